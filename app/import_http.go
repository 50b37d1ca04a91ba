package app

import (
	"context"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"reviewdesk/ingest"
	"reviewdesk/review"
)

// maxUpload bounds an uploaded import file.
const maxUpload = 4 << 30

// importRequest is an import by path: what the desktop window sends after its native file dialog.
type importRequest struct {
	Paths       []string          `json:"paths"`
	Format      string            `json:"format,omitempty"`
	Encoding    string            `json:"encoding,omitempty"`
	Map         map[string]string `json:"map,omitempty"`
	SkipInvalid bool              `json:"skip_invalid,omitempty"`
}

// handleImport starts an import job, from an uploaded file (multipart/form-data, field "file", plus optional
// fields format, encoding, map, skip_invalid) or, where the server may read local files (the desktop window), from
// paths in a JSON body. It answers 202 with the job to poll.
func (s *Service) handleImport(w http.ResponseWriter, r *http.Request) error {
	user := identity(r).User
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var (
		req     importRequest
		cleanup func()
	)
	switch ct {
	case "multipart/form-data":
		var err error
		req, cleanup, err = s.receiveUpload(r)
		if err != nil {
			return err
		}
	default:
		if !s.cfg.LocalFiles {
			return review.Errorf(review.Forbidden, "this server does not read files from its own disk; upload the file instead")
		}
		if err := decodeJSON(r, &req); err != nil {
			return err
		}
		if len(req.Paths) == 0 {
			return review.Errorf(review.Invalid, "paths: name at least one file or directory to import")
		}
	}
	opts := ImportOptions{Format: req.Format, Encoding: req.Encoding, Map: req.Map, SkipInvalid: req.SkipInvalid, Actor: user}
	if req.SkipInvalid {
		opts.Rejects = filepath.Join(os.TempDir(), fmt.Sprintf("reviewdesk-rejects-%d.jsonl", s.now().UnixNano()))
	}
	job := s.startJob("import", "bytes", func(ctx context.Context, progress progressFunc) (any, error) {
		if cleanup != nil {
			defer cleanup()
		}
		return s.Import(ctx, req.Paths, opts, progress)
	})
	return writeJSON(w, http.StatusAccepted, job)
}

// receiveUpload streams the uploaded file to a temporary file, keeping its extension so the format is detected.
func (s *Service) receiveUpload(r *http.Request) (importRequest, func(), error) {
	var req importRequest
	mr, err := r.MultipartReader()
	if err != nil {
		return req, nil, review.Errorf(review.Invalid, "upload: %v", err)
	}
	dir, err := os.MkdirTemp("", "reviewdesk-upload-")
	if err != nil {
		return req, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	fail := func(err error) (importRequest, func(), error) {
		cleanup()
		return req, nil, err
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fail(review.Errorf(review.Invalid, "upload: %v", err))
		}
		switch part.FormName() {
		case "file":
			name := filepath.Base(part.FileName())
			if name == "." || name == "/" || name == "" {
				return fail(review.Errorf(review.Invalid, "upload: the file has no name"))
			}
			path := filepath.Join(dir, name)
			f, err := os.Create(path)
			if err != nil {
				return fail(err)
			}
			_, err = io.Copy(f, part)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				return fail(fmt.Errorf("upload %s: %w", name, err))
			}
			req.Paths = append(req.Paths, path)
		case "format", "encoding", "map", "skip_invalid":
			b, err := io.ReadAll(io.LimitReader(part, 64<<10))
			if err != nil {
				return fail(err)
			}
			v := strings.TrimSpace(string(b))
			switch part.FormName() {
			case "format":
				req.Format = v
			case "encoding":
				req.Encoding = v
			case "skip_invalid":
				req.SkipInvalid = v == "true" || v == "1" || v == "on"
			case "map":
				if v != "" {
					if req.Map, err = parseMapField(v); err != nil {
						return fail(err)
					}
				}
			}
		}
	}
	if len(req.Paths) == 0 {
		return fail(review.Errorf(review.Invalid, "upload: no file in the form field \"file\""))
	}
	return req, cleanup, nil
}

func parseMapField(v string) (map[string]string, error) {
	m, err := ingest.ParseMap(v)
	if err != nil {
		return nil, review.Errorf(review.Invalid, "map: %v", err)
	}
	return m, nil
}
