package bench

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
)

// Machine describes where a run happened.
type Machine struct {
	CPUModel  string
	Cores     int
	MemoryMB  int64
	Kernel    string
	Go        string
	Pulumi    string // the CLI, bin/pulumi
	PulumiSDK string // @pulumi/pulumi of the Node programs
	Node      string
	Commit    string // the repository's HEAD, "+dirty" when it has uncommitted changes (besides the report)
	LoadStart string // /proc/loadavg at the start and the end of the run
	LoadEnd   string
}

func (b *bench) machine() Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), LoadStart: loadAverage()}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPUModel = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		var kb int64
		for _, line := range strings.Split(string(data), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				kb, _ = strconv.ParseInt(f[1], 10, 64)
			}
		}
		m.MemoryMB = kb >> 10
	}
	m.Kernel = output("uname", "-sr")
	m.Pulumi = output(filepath.Join(b.root, "bin", "pulumi"), "version")
	m.Node = output("node", "--version")
	var pkg struct{ Version string }
	if data, err := os.ReadFile(filepath.Join(b.root, "tests", "node_modules", "@pulumi", "pulumi", "package.json")); err == nil {
		_ = json.Unmarshal(data, &pkg)
		m.PulumiSDK = pkg.Version
	}
	m.Commit = output("git", "-C", b.root, "rev-parse", "--short", "HEAD")
	if output("git", "-C", b.root, "status", "--porcelain", "--untracked-files=no", "--", ".", ":!BENCHMARKS.md") != "" {
		m.Commit += "+dirty"
	}
	return m
}

// output runs a command and returns its trimmed standard output ("" when it fails).
func output(name string, args ...string) string {
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}
