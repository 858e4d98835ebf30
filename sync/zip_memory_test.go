package sync_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"runtime"
	"testing"

	"github.com/fcsync/fcsync/fc"
	fsync "github.com/fcsync/fcsync/sync"
)

// bomb is an archive of entries of zeros, each inflating to size bytes.
func bomb(t *testing.T, entries int, size int64) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := zip.NewWriter(&buf)
	w.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	zeros := make([]byte, 1<<20)
	for i := range entries {
		f, err := w.Create(string(rune('a'+i)) + ".bin")
		if err != nil {
			t.Fatal(err)
		}
		for left := size; left > 0; left -= int64(len(zeros)) {
			if _, err := f.Write(zeros[:min(left, int64(len(zeros)))]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// allocated is what fn allocates, in bytes (runtime.MemStats.TotalAlloc).
func allocated(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Issue 9 hole 5: a refused 600 MiB bomb still used 1.27 GB, the entries
// being inflated until the limit was passed. Its declared sizes refuse it
// before anything is inflated. (Scaled down: 96 MiB against a 64 MiB limit.)
func TestZipBombRefusedWithoutInflating(t *testing.T) {
	data := bomb(t, 3, 32<<20)
	lim := fsync.ZipLimits{MaxTotalSize: 64 << 20, MaxEntries: 10}
	var err error
	n := allocated(func() { _, err = fsync.UnpackZip(fc.FunctionID("s", "f"), data, lim) })
	if !errors.Is(err, fsync.ErrUnsafeZip) {
		t.Fatalf("want a refusal, got %v", err)
	}
	if n > 1<<20 {
		t.Errorf("refusing a %d-byte bomb allocated %d bytes", len(data), n)
	}
	t.Logf("a bomb of %d KiB declaring 96 MiB, limit 64 MiB: refused after %d KiB allocated", len(data)>>10, n>>10)
}

// An accepted archive costs what it unpacks to, not the doubling of a
// growing buffer: the in-flight budget counts on ZipMemory being an upper
// bound.
func TestZipUnpackAllocatesItsSize(t *testing.T) {
	data := bomb(t, 4, 8<<20)
	var err error
	n := allocated(func() {
		_, err = fsync.UnpackZip(fc.FunctionID("s", "f"), data, fsync.DefaultZipLimits)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := uint64(fsync.ZipMemory(data))
	if n > want+want/8 {
		t.Errorf("unpacking 32 MiB allocated %d bytes, more than ZipMemory %d and an eighth", n, want)
	}
	t.Logf("unpacking 4 x 8 MiB allocated %.1f MiB (ZipMemory %.1f MiB)", float64(n)/(1<<20), float64(want)/(1<<20))
}
