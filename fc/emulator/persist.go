package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// On disk, DataDir holds state.json (the store without code) and code/<sha256>
// (one file per distinct zip: of functions, published versions, layers and
// OSS objects). Every file is written to a temporary name,
// synced and renamed into place, and code is written before the state that
// names it, so a process killed at any point leaves either the old or the new
// state, each complete.
const (
	stateFile = "state.json"
	codeDir   = "code"
)

// load reads the state from DataDir, if there is one.
func (e *Emulator) load() error {
	if e.opts.DataDir == "" {
		return nil
	}
	if err := os.MkdirAll(filepath.Join(e.opts.DataDir, codeDir), 0o700); err != nil {
		return fmt.Errorf("emulator: data dir: %w", err)
	}
	// Temporary files of a process killed mid-write are never part of the
	// state; the renamed ones are whole.
	stale, _ := filepath.Glob(filepath.Join(e.opts.DataDir, "."+stateFile+".tmp-*"))
	for _, f := range stale {
		os.Remove(f)
	}
	b, err := os.ReadFile(filepath.Join(e.opts.DataDir, stateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("emulator: load state: %w", err)
	}
	st, err := e.decodeState(b)
	if err != nil {
		return err
	}
	e.st, e.saved = st, b
	return nil
}

// decodeState parses a state file and reads the code it names.
func (e *Emulator) decodeState(b []byte) (*store, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	st := newStore()
	if err := dec.Decode(st); err != nil {
		return nil, fmt.Errorf("emulator: load state: %w", err)
	}
	if st.Services == nil {
		st.Services = map[string]*service{}
	}
	if st.Domains == nil {
		st.Domains = map[string]*domain{}
	}
	if st.Layers == nil {
		st.Layers = map[string]*layer{}
	}
	if st.OSS == nil {
		st.OSS = map[string]*blobRef{}
	}
	if st.Functions3 == nil {
		st.Functions3 = map[string]*service{}
	}
	for _, svc := range st.holders() {
		if svc.Functions == nil {
			svc.Functions = map[string]*function{}
		}
		for _, fn := range svc.Functions {
			if fn.Triggers == nil {
				fn.Triggers = map[string]*trigger{}
			}
		}
	}
	var loadErr error
	st.eachBlob(func(name *string, data *[]byte) {
		if *name == "" || loadErr != nil {
			return
		}
		code, err := os.ReadFile(filepath.Join(e.opts.DataDir, codeDir, *name))
		if err != nil {
			loadErr = fmt.Errorf("emulator: load code: %w", err)
		}
		*data = code
	})
	if loadErr != nil {
		return nil, loadErr
	}
	return st, nil
}

// commit makes the mutations of the current request durable before it is
// acknowledged. If that fails, the store goes back to the last durable state
// and the request fails, so what clients saw acknowledged is what is on disk.
func (e *Emulator) commit() *apiError {
	if e.opts.DataDir == "" {
		return nil
	}
	if err := e.persist(); err != nil {
		e.logf("emulator: persist: %v", err)
		if st, derr := e.decodeState(e.saved); derr == nil {
			e.st = st
		} else {
			e.st = newStore()
		}
		return internalError()
	}
	return nil
}

func (e *Emulator) persist() error {
	dir := filepath.Join(e.opts.DataDir, codeDir)
	live := map[string]bool{}
	var writeErr error
	e.st.eachBlob(func(name *string, data *[]byte) {
		if *name == "" || live[*name] || writeErr != nil {
			return
		}
		live[*name] = true
		if _, err := os.Stat(filepath.Join(dir, *name)); err == nil {
			return
		}
		writeErr = writeFileAtomic(dir, *name, *data)
	})
	if writeErr != nil {
		return writeErr
	}
	b, err := json.Marshal(e.st)
	if err != nil {
		return err
	}
	if err := writeFileAtomic(e.opts.DataDir, stateFile, b); err != nil {
		return err
	}
	e.saved = b
	// Code no longer named by the durable state is garbage; failing to remove
	// it only wastes space.
	entries, _ := os.ReadDir(dir)
	for _, ent := range entries {
		if !live[ent.Name()] {
			os.Remove(filepath.Join(dir, ent.Name()))
		}
	}
	return nil
}

// writeFileAtomic replaces dir/name with data: write a temporary file, sync
// it, rename it over the target and sync the directory.
func writeFileAtomic(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, "."+strings.TrimPrefix(name, ".")+".tmp-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, name))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
