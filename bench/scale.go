package bench

import (
	"time"
)

// Scale is section 3: one producer and N consumer endpoints (each with its DNS binding) in one
// stack, through the components from Go and from TypeScript.
type Scale struct {
	Rows []ScaleRow
	// Fits are the least-squares lines of preview and up seconds over N, by program.
	Fits map[Program]ScaleFit
}

// ScaleRow is one deployment of N endpoints.
type ScaleRow struct {
	Program     Program
	N           int
	Resources   int // cloud resources created
	Preview, Up time.Duration
	Memory      Memory
}

// ScaleFit is how a program's times grow with N: wall times, and the CPU time of each kind of
// process (by executable name, as in Memory).
type ScaleFit struct {
	Preview, Up Fit
	CPU         map[string]Fit
}

// skipCheckpoints makes the engine save the stack once at the end instead of after every step,
// which costs time proportional to the stack's size at every step (pulumi/pulumi#10668).
var skipCheckpoints = map[string]string{"PULUMI_SKIP_CHECKPOINTS": "true"}

func (b *bench) scale() Scale {
	b.logf("3. scale: N = %v endpoints, PULUMI_SKIP_CHECKPOINTS=true", b.opts.Endpoints)
	progs := []Program{GoComponents, TSComponents}
	s := Scale{Fits: map[Program]ScaleFit{}}
	for i, n := range b.opts.Endpoints {
		for _, p := range rotate(progs, i) {
			s.Rows = append(s.Rows, b.scaleRow(p, n))
		}
	}
	for _, p := range progs {
		var pts []scalePoint
		for _, r := range s.Rows {
			if r.Program == p {
				pts = append(pts, scalePoint{r.N, r.Preview, r.Up, r.Memory})
			}
		}
		s.Fits[p] = scaleFit(pts, Self, providerExe, nodeExe, engineExe, simulatorExe)
	}
	return s
}

func (b *bench) scaleRow(p Program, n int) ScaleRow {
	d := b.deploy(p, deployOpts{n: n, preview: true, sample: true, vars: skipCheckpoints})
	total := 0
	for _, c := range d.Creates {
		total += c
	}
	return ScaleRow{Program: p, N: n, Resources: total, Preview: d.Preview, Up: d.Up, Memory: d.Memory}
}

// scalePoint is one deployment of a series whose growth in N is fitted.
type scalePoint struct {
	N           int
	Preview, Up time.Duration
	Memory      Memory
}

// scaleFit fits lines over N through a series' preview and up seconds and through the CPU
// seconds of each of the named processes.
func scaleFit(pts []scalePoint, exes ...string) ScaleFit {
	var ns, pre, up []float64
	cpu := map[string][]float64{}
	for _, pt := range pts {
		ns = append(ns, float64(pt.N))
		pre = append(pre, pt.Preview.Seconds())
		up = append(up, pt.Up.Seconds())
		for _, exe := range exes {
			cpu[exe] = append(cpu[exe], pt.Memory[exe].CPU.Seconds())
		}
	}
	f := ScaleFit{Preview: fit(ns, pre), Up: fit(ns, up), CPU: map[string]Fit{}}
	for exe, ys := range cpu {
		f.CPU[exe] = fit(ns, ys)
	}
	return f
}
