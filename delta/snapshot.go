package delta

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// LogDir is the name of a table's transaction log directory.
const LogDir = "_delta_log"

// ErrNotTable is returned (wrapped) for a directory without a _delta_log with at least one commit or checkpoint.
var ErrNotTable = errors.New("not a Delta table")

// maxActionLine bounds one line of a commit file; real lines are a few KB (an add with stats).
const maxActionLine = 64 << 20

// Snapshot is the state of a table at one version.
type Snapshot struct {
	Dir      string
	Version  int64
	Protocol Protocol
	Metadata Metadata
	Schema   *StructType
	// Files are the live add actions, sorted by path (then deletion vector id) so that reads are repeatable.
	Files []Add
	// Tombstones are the remove actions still in the state, sorted like Files; only VACUUM needs them.
	Tombstones []Remove
	// Txns maps each application id to its latest txn version.
	Txns map[string]int64
	// Domains holds the live (not removed) domain metadata by domain name.
	Domains map[string]DomainMetadata
	// CommitInfo is the commitInfo of the commit at Version, nil if that commit had none or was cleaned up.
	CommitInfo map[string]any
	// CheckpointVersion is the checkpoint the replay started from, -1 when it replayed commits from version 0.
	CheckpointVersion int64
	// ProtocolOrigin and MetadataOrigin say which log line set the protocol and the metadata; FileOrigins, parallel
	// to Files, which added each file. They let an error point at the line to look at.
	ProtocolOrigin, MetadataOrigin Origin
	FileOrigins                    []Origin
}

// Origin is where an action was read: a commit file and the action's 1-based line, or a checkpoint (or its
// sidecar) file with Line 0. Version is the version of the commit or checkpoint.
type Origin struct {
	Version int64
	File    string
	Line    int
}

// Checkpoint reports whether the action was read from a checkpoint rather than a commit.
func (o Origin) Checkpoint() bool { return o.Line == 0 }

// String gives the position as FILE:LINE for a commit, FILE for a checkpoint, "" when unknown.
func (o Origin) String() string {
	if o.File == "" || o.Line == 0 {
		return o.File
	}
	return o.File + ":" + strconv.Itoa(o.Line)
}

// FileOrigin returns where Files[i] was added, the zero Origin when the snapshot was not read from a log.
func (s *Snapshot) FileOrigin(i int) Origin {
	if i < 0 || i >= len(s.FileOrigins) {
		return Origin{}
	}
	return s.FileOrigins[i]
}

// logListing is what the _delta_log directory holds, by version.
type logListing struct {
	commits     map[int64]string
	checkpoints map[int64][]checkpointFile // complete candidates only
	maxVersion  int64
}

type checkpointFile struct {
	kind  string   // "classic", "multipart", "uuid"
	paths []string // parts in order for multipart
}

// ReadSnapshot replays the log of the table in dir up to its newest version.
func ReadSnapshot(ctx context.Context, dir string) (*Snapshot, error) {
	return readSnapshot(ctx, dir, -1)
}

// ReadSnapshotAt replays the log of the table in dir up to the given version (time travel).
func ReadSnapshotAt(ctx context.Context, dir string, version int64) (*Snapshot, error) {
	if version < 0 {
		return nil, fmt.Errorf("read delta snapshot %s: negative version %d", dir, version)
	}
	return readSnapshot(ctx, dir, version)
}

// LatestVersion returns the newest committed version of the table in dir, or an error wrapping ErrNotTable.
// A writer commits its next change as LatestVersion+1.
func LatestVersion(ctx context.Context, dir string) (int64, error) {
	l, err := listLog(ctx, dir)
	if err != nil {
		return 0, err
	}
	return l.maxVersion, nil
}

func listLog(ctx context.Context, dir string) (*logListing, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	entries, err := os.ReadDir(filepath.Join(dir, LogDir))
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("read delta log of %s: no %s directory: %w", dir, LogDir, ErrNotTable)
		}
		return nil, fmt.Errorf("read delta log of %s: %w", dir, err)
	}
	l := &logListing{commits: map[int64]string{}, checkpoints: map[int64][]checkpointFile{}, maxVersion: -1}
	multipart := map[int64]map[int]map[int]string{} // version -> parts total -> part number -> name
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || len(name) < 21 || name[20] != '.' {
			continue
		}
		v, err := strconv.ParseInt(name[:20], 10, 64)
		if err != nil || v < 0 {
			continue
		}
		rest := name[21:]
		full := filepath.Join(dir, LogDir, name)
		switch {
		case rest == "json":
			l.commits[v] = full
			l.maxVersion = max(l.maxVersion, v)
		case rest == "checkpoint.parquet":
			l.checkpoints[v] = append(l.checkpoints[v], checkpointFile{kind: "classic", paths: []string{full}})
		case strings.HasPrefix(rest, "checkpoint."):
			mid := strings.TrimPrefix(rest, "checkpoint.")
			if o, p, ok := parseMultipart(mid); ok {
				if multipart[v] == nil {
					multipart[v] = map[int]map[int]string{}
				}
				if multipart[v][p] == nil {
					multipart[v][p] = map[int]string{}
				}
				multipart[v][p][o] = full
			} else if strings.HasSuffix(mid, ".json") || strings.HasSuffix(mid, ".parquet") {
				l.checkpoints[v] = append(l.checkpoints[v], checkpointFile{kind: "uuid", paths: []string{full}})
			}
		}
	}
	// A multi-part checkpoint with a missing part was not written completely and must be ignored.
	for v, byTotal := range multipart {
		for total, parts := range byTotal {
			if len(parts) != total {
				continue
			}
			cf := checkpointFile{kind: "multipart"}
			for i := 1; i <= total; i++ {
				cf.paths = append(cf.paths, parts[i])
			}
			l.checkpoints[v] = append(l.checkpoints[v], cf)
		}
	}
	for v := range l.checkpoints {
		l.maxVersion = max(l.maxVersion, v)
	}
	if l.maxVersion < 0 {
		return nil, fmt.Errorf("read delta log of %s: %s holds no commit or checkpoint: %w", dir, LogDir, ErrNotTable)
	}
	return l, nil
}

func parseMultipart(s string) (part, total int, ok bool) {
	// 0000000001.0000000003.parquet
	if len(s) != 10+1+10+len(".parquet") || s[10] != '.' || !strings.HasSuffix(s, ".parquet") {
		return 0, 0, false
	}
	o, err1 := strconv.Atoi(s[:10])
	p, err2 := strconv.Atoi(s[11:21])
	if err1 != nil || err2 != nil || o < 1 || p < 1 || o > p {
		return 0, 0, false
	}
	return o, p, true
}

// state accumulates log replay.
type state struct {
	protocol   *Protocol
	metadata   *Metadata
	files      map[string]Add
	tombstones map[string]Remove
	txns       map[string]int64
	domains    map[string]DomainMetadata
	// at is where the action being applied was read; the origins record it for the protocol, the metadata and
	// each live file.
	at                             Origin
	protocolOrigin, metadataOrigin Origin
	fileOrigins                    map[string]Origin
}

func fileKey(path string, dv *DeletionVector) (string, error) {
	p, err := DecodePath(path)
	if err != nil {
		return "", err
	}
	return p + "\x00" + dv.UniqueID(), nil
}

func (s *state) apply(a *Action) error {
	switch {
	case a.Add != nil:
		k, err := fileKey(a.Add.Path, a.Add.DeletionVector)
		if err != nil {
			return err
		}
		delete(s.tombstones, k)
		s.files[k] = *a.Add
		s.fileOrigins[k] = s.at
	case a.Remove != nil:
		k, err := fileKey(a.Remove.Path, a.Remove.DeletionVector)
		if err != nil {
			return err
		}
		delete(s.files, k)
		delete(s.fileOrigins, k)
		s.tombstones[k] = *a.Remove
	case a.MetaData != nil:
		s.metadata = a.MetaData
		s.metadataOrigin = s.at
	case a.Protocol != nil:
		s.protocol = a.Protocol
		s.protocolOrigin = s.at
	case a.Txn != nil:
		s.txns[a.Txn.AppID] = a.Txn.Version
	case a.DomainMetadata != nil:
		if a.DomainMetadata.Removed {
			delete(s.domains, a.DomainMetadata.Domain)
		} else {
			s.domains[a.DomainMetadata.Domain] = *a.DomainMetadata
		}
	}
	return nil
}

func readSnapshot(ctx context.Context, dir string, version int64) (*Snapshot, error) {
	l, err := listLog(ctx, dir)
	if err != nil {
		return nil, err
	}
	target := version
	if target < 0 {
		target = l.maxVersion
	}
	if target > l.maxVersion {
		return nil, fmt.Errorf("read delta snapshot %s: version %d does not exist; the newest is %d", dir, target, l.maxVersion)
	}
	st := &state{files: map[string]Add{}, tombstones: map[string]Remove{}, txns: map[string]int64{},
		domains: map[string]DomainMetadata{}, fileOrigins: map[string]Origin{}}

	cpVersion := int64(-1)
	for v, cps := range l.checkpoints {
		if v <= target && v > cpVersion && len(cps) > 0 {
			cpVersion = v
		}
	}
	if cpVersion >= 0 {
		if err := readCheckpoint(ctx, dir, cpVersion, l.checkpoints[cpVersion], st); err != nil {
			return nil, err
		}
	}
	snap := &Snapshot{Dir: dir, Version: target, CheckpointVersion: cpVersion}
	for v := cpVersion + 1; v <= target; v++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		path, ok := l.commits[v]
		if !ok {
			if cpVersion < 0 && v == 0 {
				return nil, fmt.Errorf("read delta snapshot %s: commit 0 is missing and there is no checkpoint to start from", dir)
			}
			return nil, fmt.Errorf("read delta snapshot %s: commit %d is missing from %s (the log has a gap)", dir, v, LogDir)
		}
		commitInfo, err := readCommitFile(path, v, st)
		if err != nil {
			return nil, err
		}
		if v == target {
			snap.CommitInfo = commitInfo
		}
	}
	if st.protocol == nil {
		return nil, fmt.Errorf("read delta snapshot %s at version %d: the log has no protocol action", dir, target)
	}
	if st.metadata == nil {
		return nil, fmt.Errorf("read delta snapshot %s at version %d: the log has no metaData action", dir, target)
	}
	snap.Protocol = *st.protocol
	snap.Metadata = *st.metadata
	snap.ProtocolOrigin, snap.MetadataOrigin = st.protocolOrigin, st.metadataOrigin
	schema, err := ParseSchema(st.metadata.SchemaString)
	if err != nil {
		return nil, fmt.Errorf("read delta snapshot %s at version %d: %w", dir, target, err)
	}
	snap.Schema = schema
	snap.Txns = st.txns
	snap.Domains = st.domains
	keys := make([]string, 0, len(st.files))
	for k := range st.files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	snap.Files = make([]Add, len(keys))
	snap.FileOrigins = make([]Origin, len(keys))
	for i, k := range keys {
		snap.Files[i] = st.files[k]
		snap.FileOrigins[i] = st.fileOrigins[k]
	}
	keys = keys[:0]
	for k := range st.tombstones {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	snap.Tombstones = make([]Remove, len(keys))
	for i, k := range keys {
		snap.Tombstones[i] = st.tombstones[k]
	}
	return snap, nil
}

// readCommitFile applies the actions of the commit of a version and returns its commitInfo.
func readCommitFile(path string, version int64, st *state) (map[string]any, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read delta commit: %w", err)
	}
	defer f.Close()
	var commitInfo map[string]any
	err = ParseActions(f, func(line int, a *Action) error {
		if a.CommitInfo != nil {
			commitInfo = a.CommitInfo
		}
		st.at = Origin{Version: version, File: path, Line: line}
		if err := st.apply(a); err != nil {
			return fmt.Errorf("%s:%d: %w", path, line, err)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read delta commit %s: %w", path, err)
	}
	return commitInfo, nil
}

// ParseActions reads newline-delimited JSON actions from r and calls fn with each one and its 1-based line
// number. Blank lines are skipped; a line that is not a JSON object is an error naming the line.
func ParseActions(r io.Reader, fn func(line int, a *Action) error) error {
	br := bufio.NewReaderSize(r, 64<<10)
	var buf []byte
	for line := 1; ; line++ {
		buf = buf[:0]
		var err error
		for {
			var chunk []byte
			chunk, err = br.ReadSlice('\n')
			buf = append(buf, chunk...)
			if len(buf) > maxActionLine {
				return fmt.Errorf("line %d: longer than %d MB", line, maxActionLine>>20)
			}
			if err != bufio.ErrBufferFull {
				break
			}
		}
		if err != nil && err != io.EOF {
			return fmt.Errorf("line %d: %w", line, err)
		}
		if trimmed := bytes.TrimSpace(buf); len(trimmed) > 0 {
			var a Action
			if jerr := json.Unmarshal(trimmed, &a); jerr != nil {
				return fmt.Errorf("line %d: not a valid action: %w", line, jerr)
			}
			if ferr := fn(line, &a); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
	}
}

// DecodePath turns an add or remove path from the log (a URI, RFC 2396) into a file path: a relative path
// stays relative (slash-separated), a file: URI becomes an absolute local path. Other schemes (s3:, abfss:, ...)
// and relative paths that climb out of the table are errors.
func DecodePath(p string) (string, error) {
	if p == "" {
		return "", errors.New("empty file path in the log")
	}
	if i := strings.IndexByte(p, ':'); i > 0 && !strings.ContainsAny(p[:i], "/%") {
		u, err := url.Parse(p)
		if err != nil {
			return "", fmt.Errorf("file path %q in the log is not a valid URI: %w", p, err)
		}
		if u.Scheme != "file" {
			return "", fmt.Errorf("file path %q in the log uses scheme %q; only files on a local disk can be read", p, u.Scheme)
		}
		if u.Path == "" {
			return "", fmt.Errorf("file path %q in the log has no path", p)
		}
		return u.Path, nil
	}
	d, err := url.PathUnescape(p)
	if err != nil {
		return "", fmt.Errorf("file path %q in the log is not a valid URI: %w", p, err)
	}
	if !filepath.IsLocal(filepath.FromSlash(d)) {
		return "", fmt.Errorf("file path %q in the log points outside the table", p)
	}
	return d, nil
}

// FilePath returns where the data file of an add action lives on disk.
func (s *Snapshot) FilePath(a Add) (string, error) {
	p, err := DecodePath(a.Path)
	if err != nil {
		return "", err
	}
	if filepath.IsAbs(p) {
		return p, nil
	}
	return filepath.Join(s.Dir, filepath.FromSlash(p)), nil
}

// CheckReadable is CheckReadable for the snapshot's protocol and configuration, plus a check that no live file
// carries a deletion vector (a table can hold them only with the deletionVectors feature, which CheckReadable
// refuses, but a log that breaks that rule must not be read as if the deleted rows were there).
//
// The error names the log line that asks for the feature and its field, where the snapshot knows them.
func (s *Snapshot) CheckReadable() error {
	if err := CheckReadable(s.Protocol, s.Metadata.Configuration); err != nil {
		at := s.ProtocolOrigin
		var ufe *UnsupportedFeatureError
		if errors.As(err, &ufe) && strings.HasPrefix(ufe.Field, "metaData.") {
			at = s.MetadataOrigin
		}
		return fmt.Errorf("read delta table %s at version %d: %w", s.Dir, s.Version, atOrigin(at, err))
	}
	for i, f := range s.Files {
		if f.DeletionVector != nil {
			return fmt.Errorf("read delta table %s at version %d: %w", s.Dir, s.Version, atOrigin(s.FileOrigin(i),
				&UnsupportedFeatureError{Features: []string{"deletionVectors"}, Field: "add.deletionVector",
					Reason: "file " + f.Path + " has a deletion vector"}))
		}
	}
	return nil
}

// atOrigin prefixes an *UnsupportedFeatureError with the log position and the field that set the feature.
func atOrigin(o Origin, err error) error {
	var ufe *UnsupportedFeatureError
	field := ""
	if errors.As(err, &ufe) {
		field = ufe.Field
	}
	switch {
	case o.File != "" && field != "":
		return fmt.Errorf("%s: %s: %w", o, field, err)
	case o.File != "":
		return fmt.Errorf("%s: %w", o, err)
	case field != "":
		return fmt.Errorf("%s: %w", field, err)
	}
	return err
}

// NumRecords returns the numRecords statistic of an add action, or -1 when its stats do not carry one.
func (a *Add) NumRecords() int64 {
	if a.Stats == "" {
		return -1
	}
	var s struct {
		NumRecords *int64 `json:"numRecords"`
	}
	if json.Unmarshal([]byte(a.Stats), &s) != nil || s.NumRecords == nil {
		return -1
	}
	return *s.NumRecords
}
