package bench

import (
	"math"
	"slices"
	"time"
)

// Stat summarises repeated measurements: the median and the range.
type Stat struct {
	Median, Min, Max float64
	N                int
}

// stat summarises xs (no values: the zero Stat).
func stat(xs []float64) Stat {
	if len(xs) == 0 {
		return Stat{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	med := s[len(s)/2]
	if len(s)%2 == 0 {
		med = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return Stat{Median: med, Min: s[0], Max: s[len(s)-1], N: len(s)}
}

// seconds converts durations to seconds.
func seconds(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = d.Seconds()
	}
	return out
}

// ratios divides a[i] by b[i]: measurements taken side by side, pair by pair.
func ratios(a, b []time.Duration) []float64 {
	out := make([]float64, 0, len(a))
	for i := range min(len(a), len(b)) {
		if b[i] > 0 {
			out = append(out, a[i].Seconds()/b[i].Seconds())
		}
	}
	return out
}

// Fit is a least-squares line y = Intercept + Slope·x and its coefficient of determination.
type Fit struct {
	Slope, Intercept, R2 float64
}

// fit fits a line through the points (xs[i], ys[i]).
func fit(xs, ys []float64) Fit {
	n := float64(len(xs))
	if len(xs) < 2 || len(xs) != len(ys) {
		return Fit{R2: math.NaN()}
	}
	var sx, sy, sxx, sxy float64
	for i := range xs {
		sx += xs[i]
		sy += ys[i]
		sxx += xs[i] * xs[i]
		sxy += xs[i] * ys[i]
	}
	den := n*sxx - sx*sx
	if den == 0 {
		return Fit{R2: math.NaN()}
	}
	f := Fit{Slope: (n*sxy - sx*sy) / den}
	f.Intercept = (sy - f.Slope*sx) / n
	mean := sy / n
	var ssRes, ssTot float64
	for i := range xs {
		d := ys[i] - (f.Intercept + f.Slope*xs[i])
		ssRes += d * d
		ssTot += (ys[i] - mean) * (ys[i] - mean)
	}
	f.R2 = 1
	if ssTot > 0 {
		f.R2 = 1 - ssRes/ssTot
	}
	return f
}
