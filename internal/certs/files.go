package certs

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

const tempMarker = ".tmp-"

// ensureDir creates dir with mode 0700, tightening an existing one: it
// holds private keys.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("certs: creating %s: %w", dir, err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("certs: %s is not a directory", dir)
	}
	if fi.Mode().Perm() != 0o700 {
		if err := os.Chmod(dir, 0o700); err != nil {
			return fmt.Errorf("certs: restricting %s: %w", dir, err)
		}
	}
	return nil
}

// tightenPerm makes an existing key file private to its owner, in case it
// was copied in or restored with a looser mode.
func tightenPerm(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("certs: %w", err)
	}
	if runtime.GOOS != "windows" && fi.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return fmt.Errorf("certs: restricting %s: %w", path, err)
		}
	}
	return nil
}

// removeStaleTemps deletes temporary files a crash left behind; they may
// hold partial keys.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if n := e.Name(); strings.HasPrefix(n, ".") && strings.Contains(n, tempMarker) && e.Type().IsRegular() {
			os.Remove(filepath.Join(dir, n))
		}
	}
}

// writeFileAtomic replaces dir/name with data so that a crash leaves
// either the old file or the complete new one, never a truncated key.
func writeFileAtomic(dir, name string, data []byte, perm fs.FileMode) (err error) {
	f, err := os.CreateTemp(dir, "."+name+tempMarker+"*")
	if err != nil {
		return fmt.Errorf("certs: writing %s: %w", name, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("certs: writing %s: %w", filepath.Join(dir, name), err)
		}
	}()
	// Set the mode before any byte is written, so key material never sits
	// in a file others could read.
	if err = f.Chmod(perm); err != nil {
		return err
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		// Windows cannot sync a directory handle.
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
