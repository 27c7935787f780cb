package bench

import (
	"bytes"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Usage is what the processes of one kind used during a measurement: the largest peak resident
// set (VmHWM) of any one of them, their CPU time together, and how many there were.
type Usage struct {
	Peak  int64 // bytes
	CPU   time.Duration
	Procs int
}

// Memory is the usage of the processes of one measurement by executable name
// (pulumi-resource-cloudrun-psc, pulumi-resource-gcp, pulumi, node), plus Self: this process,
// which runs the Go programs inline.
type Memory map[string]Usage

// Self is the key of this process in a Memory.
const Self = "self"

func (m Memory) String() string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%s %s/%.1fs", k, mb(m[k].Peak), m[k].CPU.Seconds()))
	}
	return strings.Join(parts, " ")
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

// samplePeriod is how often the sampler reads /proc. VmHWM is a high-water mark kept by the
// kernel, so a sample misses only the growth of a process's last period before it exits.
const samplePeriod = 50 * time.Millisecond

// sampler follows the descendants of this process through /proc while a measurement runs.
type sampler struct {
	stopc chan struct{}
	done  chan struct{}
	mu    sync.Mutex
	procs map[image]*proc // descendants seen
	ppid  map[int]int     // parent of every process seen
	self  string          // this process's executable
	start syscall.Rusage
}

// image is a process running one executable: after an exec, the same pid is a new image.
type image struct {
	pid int
	exe string
}

type proc struct {
	name string
	peak int64
	cpu  time.Duration
}

// startSampler resets this process's high-water mark and starts sampling.
func startSampler() *sampler {
	// Writing 5 to clear_refs resets VmHWM to the current resident set (Linux 4.0 and later),
	// so that Self measures this measurement only.
	_ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
	s := &sampler{stopc: make(chan struct{}), done: make(chan struct{}), procs: map[image]*proc{}, ppid: map[int]int{}}
	s.self, _ = os.Executable()
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &s.start)
	go func() {
		defer close(s.done)
		t := time.NewTicker(samplePeriod)
		defer t.Stop()
		for {
			s.sample()
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

// stop takes a last sample and returns the usage by executable name.
func (s *sampler) stop() Memory {
	close(s.stopc)
	<-s.done
	s.sample()
	out := Memory{}
	for _, p := range s.procs {
		u := out[p.name]
		u.Peak = max(u.Peak, p.peak)
		u.CPU += p.cpu
		u.Procs++
		out[p.name] = u
	}
	var now syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &now)
	self, _ := readHWM(os.Getpid())
	out[Self] = Usage{Peak: self, CPU: cpuTime(now) - cpuTime(s.start), Procs: 1}
	return out
}

func cpuTime(r syscall.Rusage) time.Duration {
	return time.Duration(r.Utime.Nano() + r.Stime.Nano())
}

// sample reads the peak memory and CPU time of every descendant.
func (s *sampler) sample() {
	s.mu.Lock()
	defer s.mu.Unlock()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return
	}
	self := os.Getpid()
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == self {
			continue
		}
		pids = append(pids, pid)
		if _, known := s.ppid[pid]; !known {
			if st, err := readStat(pid); err == nil {
				s.ppid[pid] = st.ppid
			}
		}
	}
	for _, pid := range pids {
		if !s.descends(pid, self) {
			continue
		}
		exe, err := os.Readlink(fmt.Sprintf("/proc/%d/exe", pid))
		// A child of this process between its fork and its exec still runs this executable,
		// and shares this process's memory: it is not a measurement of its own.
		if err != nil || exe == s.self {
			continue
		}
		exe = strings.TrimSuffix(exe, " (deleted)")
		p := s.procs[image{pid, exe}]
		if p == nil {
			p = &proc{name: filepath.Base(exe)}
			s.procs[image{pid, exe}] = p
		}
		if hwm, err := readHWM(pid); err == nil {
			p.peak = max(p.peak, hwm)
		}
		if st, err := readStat(pid); err == nil {
			p.cpu = st.cpu
		}
	}
}

// descends reports whether pid is a descendant of root, by the parents seen so far.
func (s *sampler) descends(pid, root int) bool {
	for range 64 { // deeper than any process tree here
		parent, ok := s.ppid[pid]
		if !ok || parent <= 1 {
			return false
		}
		if parent == root {
			return true
		}
		pid = parent
	}
	return false
}

// readHWM reads a process's peak resident set size (VmHWM) in bytes.
func readHWM(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for line := range bytes.Lines(data) {
		if rest, ok := bytes.CutPrefix(line, []byte("VmHWM:")); ok {
			f := strings.Fields(string(rest)) // "123456 kB"
			if len(f) == 2 && f[1] == "kB" {
				kb, err := strconv.ParseInt(f[0], 10, 64)
				return kb << 10, err
			}
		}
	}
	return 0, fmt.Errorf("no VmHWM for %d", pid)
}

type procStat struct {
	ppid int
	cpu  time.Duration
}

// clockTick is the unit of utime and stime in /proc/PID/stat (USER_HZ, 100 on Linux).
const clockTick = 10 * time.Millisecond

// readStat reads a process's parent and CPU time from /proc/PID/stat.
func readStat(pid int) (procStat, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return procStat{}, err
	}
	// The command name (field 2) may hold spaces; the fields after it start after its ")".
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return procStat{}, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	f := strings.Fields(string(data[i+1:]))
	if len(f) < 13 {
		return procStat{}, fmt.Errorf("malformed /proc/%d/stat", pid)
	}
	// After the name: state(3) ppid(4) ... utime(14) stime(15).
	ppid, _ := strconv.Atoi(f[1])
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return procStat{ppid: ppid, cpu: time.Duration(utime+stime) * clockTick}, nil
}
