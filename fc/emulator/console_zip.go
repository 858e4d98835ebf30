package emulator

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"time"
	"unicode/utf8"
)

// maxEditableFile is the largest file the console edits in a text area: a
// browser's text area handles a megabyte, and code larger than that is not
// hot-fixed by hand.
const maxEditableFile = 1 << 20

// codeFile is one entry of a function's code package as the console lists
// it. Why says, when it is not editable, why not.
type codeFile struct {
	Name string
	Size uint64
	Why  string
}

func (f codeFile) Editable() bool { return f.Why == "" }

// listCode reads the entries of a code package, with whether the console
// may edit each.
func listCode(pkg []byte) ([]codeFile, error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return nil, fmt.Errorf("the code package is not a readable zip: %w", err)
	}
	files := make([]codeFile, 0, len(zr.File))
	for _, f := range zr.File {
		cf := codeFile{Name: f.Name, Size: f.UncompressedSize64}
		if _, why := readEditable(f); why != "" {
			cf.Why = why
		}
		files = append(files, cf)
	}
	return files, nil
}

// readCodeFile returns the text of the entry name, or why the console does
// not edit it.
func readCodeFile(pkg []byte, name string) (text string, why string, err error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return "", "", fmt.Errorf("the code package is not a readable zip: %w", err)
	}
	f, err := onlyEntry(zr, name)
	if err != nil {
		return "", "", err
	}
	b, why := readEditable(f)
	return string(b), why, nil
}

func onlyEntry(zr *zip.Reader, name string) (*zip.File, error) {
	var found *zip.File
	for _, f := range zr.File {
		if f.Name != name {
			continue
		}
		if found != nil {
			return nil, fmt.Errorf("the code package holds %q twice; the console cannot tell which to edit", name)
		}
		found = f
	}
	if found == nil {
		return nil, fmt.Errorf("the code package has no file %q", name)
	}
	return found, nil
}

// readEditable reads an entry if the console can edit it: a regular file
// of at most maxEditableFile bytes of UTF-8 text without NUL bytes. Else why
// says, for the page, why not.
func readEditable(f *zip.File) ([]byte, string) {
	mode := f.Mode()
	switch {
	case mode.IsDir():
		return nil, "a folder"
	case mode&fs.ModeSymlink != 0:
		return nil, "a symbolic link: not edited here"
	case !mode.IsRegular():
		return nil, "not a regular file"
	case f.UncompressedSize64 > maxEditableFile:
		return nil, fmt.Sprintf("too large to edit here (%d bytes; the console edits files of up to %d bytes)",
			f.UncompressedSize64, maxEditableFile)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, "unreadable: " + err.Error()
	}
	defer rc.Close()
	// The declared size is checked by archive/zip as it reads; the limit
	// guards against a lying header all the same.
	b, err := io.ReadAll(io.LimitReader(rc, maxEditableFile+1))
	if err != nil {
		return nil, "unreadable: " + err.Error()
	}
	if len(b) > maxEditableFile {
		return nil, fmt.Sprintf("too large to edit here (the console edits files of up to %d bytes)", maxEditableFile)
	}
	if why := notText(b); why != "" {
		return nil, why
	}
	return b, ""
}

// notText says why b is not a text file the console can edit, or "".
func notText(b []byte) string {
	if bytes.IndexByte(b, 0) >= 0 || !utf8.Valid(b) {
		return "a binary file: the console edits text files only"
	}
	return ""
}

// replaceCodeFile rebuilds a code package with the entry name holding text:
// every other entry is copied raw, byte for byte (compressed data, header,
// times), and the edited one keeps its name, mode, time and compression.
func replaceCodeFile(pkg []byte, name string, text []byte) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(pkg), int64(len(pkg)))
	if err != nil {
		return nil, fmt.Errorf("the code package is not a readable zip: %w", err)
	}
	target, err := onlyEntry(zr, name)
	if err != nil {
		return nil, err
	}
	if _, why := readEditable(target); why != "" {
		return nil, fmt.Errorf("%s is %s", name, why)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f != target {
			if err := zw.Copy(f); err != nil {
				return nil, fmt.Errorf("copy %s: %w", f.Name, err)
			}
			continue
		}
		h := f.FileHeader
		// The MS-DOS time fields and the original extra fields (an extended
		// timestamp among them) carry the entry's time; a non-zero Modified
		// would make the writer add a second timestamp field.
		h.Modified = time.Time{}
		h.Extra = withoutZip64(h.Extra)
		h.CRC32, h.CompressedSize, h.CompressedSize64, h.UncompressedSize, h.UncompressedSize64 = 0, 0, 0, 0, 0
		w, err := zw.CreateHeader(&h)
		if err == nil {
			_, err = w.Write(text)
		}
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := zw.SetComment(zr.Comment); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// withoutZip64 drops the zip64 extra field (id 1), which describes the old
// sizes and offset; the writer adds its own when the new ones need it.
func withoutZip64(extra []byte) []byte {
	var out []byte
	for len(extra) >= 4 {
		id := binary.LittleEndian.Uint16(extra)
		size := int(binary.LittleEndian.Uint16(extra[2:]))
		if 4+size > len(extra) {
			break
		}
		if id != 1 {
			out = append(out, extra[:4+size]...)
		}
		extra = extra[4+size:]
	}
	return out
}
