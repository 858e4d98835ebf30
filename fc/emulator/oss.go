package emulator

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// A stand-in for the OSS objects FC reads code from: functions and layers
// may name code as ossBucketName + ossObjectName (fc-api.md 2.3). The
// emulator has no OSS, so tests put objects here (PutOSSObject, or
// PUT /_emulator/oss/<bucket>/<object>) and the API reads them.

func ossKey(bucket, object string) string { return bucket + "/" + object }

// PutOSSObject stores an object the API may read code from.
func (e *Emulator) PutOSSObject(bucket, object string, data []byte) error {
	if bucket == "" || object == "" {
		return fmt.Errorf("oss: bucket and object are required")
	}
	sum := sha256.Sum256(data)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.OSS[ossKey(bucket, object)] = &blobRef{Blob: hex.EncodeToString(sum[:]), data: data}
	if aerr := e.commit(); aerr != nil {
		return fmt.Errorf("oss: %s", aerr.message)
	}
	return nil
}

// serveOSSPut is PutOSSObject over HTTP, for the stand-alone emulator.
func (e *Emulator) serveOSSPut(w http.ResponseWriter, r *http.Request, requestID, rest string) {
	bucket, object, _ := strings.Cut(rest, "/")
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, e.opts.MaxCodeSize))
	if err == nil {
		err = e.PutOSSObject(bucket, object, data)
	}
	if err != nil {
		writeError(w, r, requestID, invalidArgument("%v", err))
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// codePackage reads a code object of a request, named field in messages:
// {zipFile} (base64) or {ossBucketName, ossObjectName}, then checks it as FC
// does: size, a valid zip, and X-Fc-Code-Checksum when sent.
func (e *Emulator) codePackage(req *request, code map[string]any, field string) ([]byte, *apiError) {
	b64, hasZip := code["zipFile"].(string)
	bucket, _ := code["ossBucketName"].(string)
	object, _ := code["ossObjectName"].(string)
	hasOSS := bucket != "" || object != ""
	var zip []byte
	switch {
	case hasZip && hasOSS:
		return nil, invalidArgument("%s.zipFile and %s.ossBucketName are mutually exclusive", field, field)
	case hasOSS:
		o := e.st.OSS[ossKey(bucket, object)]
		if bucket == "" || object == "" || o == nil {
			// Guess: FC's code for a missing OSS object is not in the
			// reference.
			return nil, invalidArgument("failed to get the code from OSS: object '%s' of bucket '%s' does not exist", object, bucket)
		}
		zip = o.data
	case !hasZip:
		return nil, invalidArgument("%s.zipFile is required", field)
	default:
		if int64(base64.StdEncoding.DecodedLen(len(b64))) > e.opts.MaxCodeSize+2 {
			return nil, entityTooLarge(e.opts.MaxCodeSize)
		}
		var err error
		if zip, err = base64.StdEncoding.DecodeString(b64); err != nil {
			return nil, invalidArgument("%s.zipFile is not valid base64: %v", field, err)
		}
	}
	if int64(len(zip)) > e.opts.MaxCodeSize {
		return nil, entityTooLarge(e.opts.MaxCodeSize)
	}
	if aerr := checkZip(zip); aerr != nil {
		return nil, aerr
	}
	// Guess: the code for a checksum mismatch is not documented. FC 3.0
	// takes the checksum in the body, code.checksum (fc3-api.md 0.15).
	if want := stringField(code, "checksum"); want != "" && want != Checksum(zip) {
		return nil, invalidArgument("%s.checksum %s does not match the code's checksum %s", field, want, Checksum(zip))
	}
	if want := req.header.Get("X-Fc-Code-Checksum"); want != "" && want != Checksum(zip) {
		return nil, invalidArgument("X-Fc-Code-Checksum %s does not match the code's checksum %s", want, Checksum(zip))
	}
	return zip, nil
}
