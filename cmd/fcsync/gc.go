package main

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
)

// fcsync's memory is mostly small and short-lived (a fetch of 3,000
// functions holds about 50 MiB), except when code packages are held whole
// (a clone, a push that uploads): there Go's default, a heap growing to
// twice what is live, meant gigabytes of garbage (issue 9, hole 5), hence
// GOGC 50. But at 50 the small heaps were collected every few megabytes,
// a fifth of a large fetch's CPU. tuneGC keeps the heap's growth between
// collections at half of what is live, and at least minHeadroom: small
// heaps are collected rarely, large ones as tightly as before.
const minHeadroom = 64 << 20

func tuneGC() {
	samples := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var adjust func()
	adjust = func() {
		metrics.Read(samples)
		live := samples[0].Value.Uint64()
		percent := uint64(50)
		if live > 0 && live*percent/100 < minHeadroom {
			percent = minHeadroom * 100 / live
		}
		debug.SetGCPercent(int(min(percent, 400)))
		watchGC(adjust)
	}
	debug.SetGCPercent(400) // until the first collection tells what is live
	watchGC(adjust)
}

// watchGC calls f after the next garbage collection, from the finalizer of
// an object that only a collection frees.
func watchGC(f func()) {
	s := new([16]byte)
	runtime.SetFinalizer(s, func(*[16]byte) { f() })
}
