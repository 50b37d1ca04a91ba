package delta

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// readCheckpoint applies the actions of one checkpoint of a version: a classic or UUID-named file (V1 or V2
// spec, with sidecars), or a complete multi-part checkpoint. Several may exist for one version; they hold the
// same state, so the first readable kind is used.
func readCheckpoint(ctx context.Context, dir string, version int64, candidates []checkpointFile, st *state) error {
	best := candidates[0]
	for _, c := range candidates {
		if c.kind == "classic" {
			best = c
			break
		}
		if c.kind == "uuid" {
			best = c
		}
	}
	apply := func(a *Action) error {
		if a.Sidecar != nil {
			return readSidecar(ctx, dir, a.Sidecar, st)
		}
		return st.apply(a)
	}
	for _, p := range best.paths {
		if err := ctx.Err(); err != nil {
			return err
		}
		st.at = Origin{Version: version, File: p}
		var err error
		if strings.HasSuffix(p, ".json") {
			err = readJSONActions(p, apply)
		} else {
			err = readParquetActions(p, apply)
		}
		if err != nil {
			return fmt.Errorf("read delta checkpoint: %w", err)
		}
	}
	return nil
}

func readSidecar(ctx context.Context, dir string, sc *Sidecar, st *state) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	name, err := DecodePath(sc.Path)
	if err != nil {
		return fmt.Errorf("sidecar: %w", err)
	}
	p := name
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, LogDir, "_sidecars", filepath.FromSlash(name))
	}
	checkpoint := st.at
	st.at = Origin{Version: checkpoint.Version, File: p}
	defer func() { st.at = checkpoint }()
	return readParquetActions(p, func(a *Action) error {
		if a.Add == nil && a.Remove == nil {
			return nil // sidecars hold only file actions; anything else is not ours to apply
		}
		return st.apply(a)
	})
}

func readJSONActions(path string, fn func(*Action) error) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	err = ParseActions(f, func(line int, a *Action) error {
		if err := fn(a); err != nil {
			return fmt.Errorf("line %d: %w", line, err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// readParquetActions reads a checkpoint or sidecar Parquet file of any writer's layout: each row is rebuilt with
// the file's own schema into a generic value, stripped of the typed copies of stats and partition values, and
// decoded like a JSON action, so that missing optional columns and extra columns are both harmless.
func readParquetActions(path string, fn func(*Action) error) (err error) {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	defer func() {
		// parquet-go panics on some malformed files instead of returning an error.
		if r := recover(); r != nil {
			err = fmt.Errorf("%s: malformed Parquet file: %v", path, r)
		}
	}()
	pf, err := parquet.OpenFile(f, info.Size())
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	schema := pf.Schema()
	rows := make([]parquet.Row, 64)
	rowNum := 0
	for _, rg := range pf.RowGroups() {
		rr := rg.Rows()
		for {
			n, rerr := rr.ReadRows(rows)
			for _, row := range rows[:n] {
				rowNum++
				v := map[string]any{}
				if err := schema.Reconstruct(&v, row); err != nil {
					rr.Close()
					return fmt.Errorf("%s: row %d: %w", path, rowNum, err)
				}
				a, err := actionFromGeneric(v)
				if err != nil {
					rr.Close()
					return fmt.Errorf("%s: row %d: %w", path, rowNum, err)
				}
				if err := fn(a); err != nil {
					rr.Close()
					return fmt.Errorf("%s: row %d: %w", path, rowNum, err)
				}
			}
			if rerr == io.EOF {
				break
			}
			if rerr != nil {
				rr.Close()
				return fmt.Errorf("%s: %w", path, rerr)
			}
		}
		if err := rr.Close(); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
	}
	return nil
}

func actionFromGeneric(v map[string]any) (*Action, error) {
	for _, k := range []string{"add", "remove"} {
		if m, ok := v[k].(map[string]any); ok {
			delete(m, "stats_parsed")
			delete(m, "partitionValues_parsed")
		}
	}
	b, err := json.Marshal(textOf(v))
	if err != nil {
		return nil, err
	}
	var a Action
	if err := json.Unmarshal(b, &a); err != nil {
		return nil, err
	}
	// A null struct column may come back as an empty object; an action needs its key field to be one.
	if a.Add != nil && a.Add.Path == "" {
		a.Add = nil
	}
	if a.Remove != nil && a.Remove.Path == "" {
		a.Remove = nil
	}
	if a.MetaData != nil && a.MetaData.SchemaString == "" && a.MetaData.ID == "" {
		a.MetaData = nil
	}
	if a.Protocol != nil && a.Protocol.MinReaderVersion == 0 {
		a.Protocol = nil
	}
	if a.Txn != nil && a.Txn.AppID == "" {
		a.Txn = nil
	}
	if a.DomainMetadata != nil && a.DomainMetadata.Domain == "" {
		a.DomainMetadata = nil
	}
	if a.Sidecar != nil && a.Sidecar.Path == "" {
		a.Sidecar = nil
	}
	return &a, nil
}

// textOf turns the byte slices parquet-go gives for strings inside maps and lists into strings, so that they
// encode as JSON text rather than base64.
func textOf(v any) any {
	switch x := v.(type) {
	case []byte:
		return string(x)
	case map[string]any:
		for k, e := range x {
			x[k] = textOf(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = textOf(e)
		}
		return x
	}
	// Optional map values come back as pointers (*[]byte for strings).
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer {
		if rv.IsNil() {
			return nil
		}
		return textOf(rv.Elem().Interface())
	}
	return v
}

// Checkpoint rows as Spark writes them: every field optional, map values and list elements optional.
type cpRow struct {
	Txn            *cpTxn      `parquet:"txn,optional"`
	Add            *cpAdd      `parquet:"add,optional"`
	Remove         *cpRemove   `parquet:"remove,optional"`
	MetaData       *cpMetadata `parquet:"metaData,optional"`
	Protocol       *cpProtocol `parquet:"protocol,optional"`
	DomainMetadata *cpDomain   `parquet:"domainMetadata,optional"`
}

type cpTxn struct {
	AppID       *string `parquet:"appId,optional"`
	Version     *int64  `parquet:"version,optional"`
	LastUpdated *int64  `parquet:"lastUpdated,optional"`
}

type cpDV struct {
	StorageType    *string `parquet:"storageType,optional"`
	PathOrInlineDv *string `parquet:"pathOrInlineDv,optional"`
	Offset         *int32  `parquet:"offset,optional"`
	SizeInBytes    *int32  `parquet:"sizeInBytes,optional"`
	Cardinality    *int64  `parquet:"cardinality,optional"`
}

type cpAdd struct {
	Path                    *string            `parquet:"path,optional"`
	PartitionValues         map[string]*string `parquet:"partitionValues,optional" parquet-value:",optional"`
	Size                    *int64             `parquet:"size,optional"`
	ModificationTime        *int64             `parquet:"modificationTime,optional"`
	DataChange              *bool              `parquet:"dataChange,optional"`
	Stats                   *string            `parquet:"stats,optional"`
	Tags                    map[string]*string `parquet:"tags,optional" parquet-value:",optional"`
	DeletionVector          *cpDV              `parquet:"deletionVector,optional"`
	BaseRowID               *int64             `parquet:"baseRowId,optional"`
	DefaultRowCommitVersion *int64             `parquet:"defaultRowCommitVersion,optional"`
	ClusteringProvider      *string            `parquet:"clusteringProvider,optional"`
}

type cpRemove struct {
	Path                    *string            `parquet:"path,optional"`
	DeletionTimestamp       *int64             `parquet:"deletionTimestamp,optional"`
	DataChange              *bool              `parquet:"dataChange,optional"`
	ExtendedFileMetadata    *bool              `parquet:"extendedFileMetadata,optional"`
	PartitionValues         map[string]*string `parquet:"partitionValues,optional" parquet-value:",optional"`
	Size                    *int64             `parquet:"size,optional"`
	DeletionVector          *cpDV              `parquet:"deletionVector,optional"`
	BaseRowID               *int64             `parquet:"baseRowId,optional"`
	DefaultRowCommitVersion *int64             `parquet:"defaultRowCommitVersion,optional"`
}

type cpFormat struct {
	Provider *string            `parquet:"provider,optional"`
	Options  map[string]*string `parquet:"options,optional" parquet-value:",optional"`
}

type cpMetadata struct {
	ID               *string            `parquet:"id,optional"`
	Name             *string            `parquet:"name,optional"`
	Description      *string            `parquet:"description,optional"`
	Format           *cpFormat          `parquet:"format,optional"`
	SchemaString     *string            `parquet:"schemaString,optional"`
	PartitionColumns []string           `parquet:"partitionColumns,optional,list" parquet-element:",optional"`
	CreatedTime      *int64             `parquet:"createdTime,optional"`
	Configuration    map[string]*string `parquet:"configuration,optional" parquet-value:",optional"`
}

type cpProtocol struct {
	MinReaderVersion *int32   `parquet:"minReaderVersion,optional"`
	MinWriterVersion *int32   `parquet:"minWriterVersion,optional"`
	ReaderFeatures   []string `parquet:"readerFeatures,optional,list" parquet-element:",optional"`
	WriterFeatures   []string `parquet:"writerFeatures,optional,list" parquet-element:",optional"`
}

type cpDomain struct {
	Domain        *string `parquet:"domain,optional"`
	Configuration *string `parquet:"configuration,optional"`
	Removed       *bool   `parquet:"removed,optional"`
}

func ptr[T any](v T) *T { return &v }

func strPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func cpDVOf(dv *DeletionVector) *cpDV {
	if dv == nil {
		return nil
	}
	return &cpDV{StorageType: ptr(dv.StorageType), PathOrInlineDv: ptr(dv.PathOrInlineDv), Offset: dv.Offset,
		SizeInBytes: ptr(dv.SizeInBytes), Cardinality: ptr(dv.Cardinality)}
}

// checkpointRows lays out a snapshot as V1 checkpoint rows: protocol, metadata, txns, domains, adds, tombstones.
func checkpointRows(s *Snapshot) []cpRow {
	p := s.Protocol
	proto := &cpProtocol{MinReaderVersion: ptr(int32(p.MinReaderVersion)), MinWriterVersion: ptr(int32(p.MinWriterVersion))}
	if p.MinReaderVersion >= 3 {
		proto.ReaderFeatures = append([]string{}, p.ReaderFeatures...)
	}
	if p.MinWriterVersion >= 7 {
		proto.WriterFeatures = append([]string{}, p.WriterFeatures...)
	}
	m := s.Metadata
	provider := m.Format.Provider
	if provider == "" {
		provider = "parquet"
	}
	meta := &cpMetadata{ID: ptr(m.ID), Name: strPtr(m.Name), Description: strPtr(m.Description),
		Format:       &cpFormat{Provider: ptr(provider), Options: optionalValues(nonNilMap(m.Format.Options))},
		SchemaString: ptr(m.SchemaString), PartitionColumns: append([]string{}, m.PartitionColumns...),
		CreatedTime: m.CreatedTime, Configuration: optionalValues(nonNilMap(m.Configuration))}
	rows := []cpRow{{Protocol: proto}, {MetaData: meta}}
	for _, app := range sortedKeys(s.Txns) {
		rows = append(rows, cpRow{Txn: &cpTxn{AppID: ptr(app), Version: ptr(s.Txns[app])}})
	}
	for _, d := range sortedKeys(s.Domains) {
		dm := s.Domains[d]
		rows = append(rows, cpRow{DomainMetadata: &cpDomain{Domain: ptr(dm.Domain), Configuration: ptr(dm.Configuration),
			Removed: ptr(false)}})
	}
	for _, a := range s.Files {
		rows = append(rows, cpRow{Add: &cpAdd{Path: ptr(a.Path), PartitionValues: optionalValues(a.PartitionValues),
			Size: ptr(a.Size), ModificationTime: ptr(a.ModificationTime), DataChange: ptr(false), Stats: strPtr(a.Stats),
			Tags: optionalValues(a.Tags), DeletionVector: cpDVOf(a.DeletionVector), BaseRowID: a.BaseRowID,
			DefaultRowCommitVersion: a.DefaultRowCommitVersion, ClusteringProvider: strPtr(a.ClusteringProvider)}})
	}
	for _, r := range s.Tombstones {
		rows = append(rows, cpRow{Remove: &cpRemove{Path: ptr(r.Path), DeletionTimestamp: r.DeletionTimestamp,
			DataChange: ptr(false), ExtendedFileMetadata: r.ExtendedFileMetadata, PartitionValues: optionalValues(r.PartitionValues),
			Size: r.Size, DeletionVector: cpDVOf(r.DeletionVector), BaseRowID: r.BaseRowID,
			DefaultRowCommitVersion: r.DefaultRowCommitVersion}})
	}
	return rows
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// optionalValues converts a string map to the optional-valued form Spark writes; an empty value (a null
// partition value) becomes null.
func optionalValues(m map[string]string) map[string]*string {
	if m == nil {
		return nil
	}
	out := make(map[string]*string, len(m))
	for k, v := range m {
		out[k] = strPtr(v)
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// LastCheckpoint is the content of _delta_log/_last_checkpoint.
type LastCheckpoint struct {
	Version       int64  `json:"version"`
	Size          int64  `json:"size"`
	Parts         *int   `json:"parts,omitempty"`
	SizeInBytes   *int64 `json:"sizeInBytes,omitempty"`
	NumOfAddFiles *int64 `json:"numOfAddFiles,omitempty"`
}

// WriteCheckpoint writes a classic V1 checkpoint of the snapshot (_delta_log/<version>.checkpoint.parquet) and
// points _delta_log/_last_checkpoint at it, so that later readers replay from there instead of from version 0.
// A checkpoint may be rewritten by a racing writer with the same content, so both files are replaced atomically
// (temporary file, fsync, rename) rather than written put-if-absent.
func WriteCheckpoint(ctx context.Context, s *Snapshot) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	logDir := filepath.Join(s.Dir, LogDir)
	rows := checkpointRows(s)
	name := filepath.Join(logDir, fmt.Sprintf("%020d.checkpoint.parquet", s.Version))
	size, err := replaceFile(logDir, name, func(w io.Writer) error {
		pw := parquet.NewGenericWriter[cpRow](w, parquet.Compression(&parquet.Snappy))
		if _, err := pw.Write(rows); err != nil {
			return err
		}
		return pw.Close()
	})
	if err != nil {
		return fmt.Errorf("write delta checkpoint %d of %s: %w", s.Version, s.Dir, err)
	}
	last := LastCheckpoint{Version: s.Version, Size: int64(len(rows)), SizeInBytes: &size,
		NumOfAddFiles: ptr(int64(len(s.Files)))}
	b, err := json.Marshal(last)
	if err != nil {
		return fmt.Errorf("write delta checkpoint %d of %s: %w", s.Version, s.Dir, err)
	}
	if _, err := replaceFile(logDir, filepath.Join(logDir, "_last_checkpoint"), func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	}); err != nil {
		return fmt.Errorf("write delta checkpoint %d of %s: %w", s.Version, s.Dir, err)
	}
	return nil
}

// replaceFile writes a file through a synced temporary file renamed over name, and returns its size.
func replaceFile(dir, name string, write func(io.Writer) error) (int64, error) {
	tmp, err := os.CreateTemp(dir, ".tmp-"+filepath.Base(name)+"-*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())              // after a successful rename this fails harmlessly
	if err := tmp.Chmod(0o644); err != nil { // readable by the engines that read the table, as CreateTemp's 0600 is not
		tmp.Close()
		return 0, err
	}
	if err := write(tmp); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return 0, err
	}
	info, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return 0, err
	}
	return info.Size(), syncDir(dir)
}

// ReadLastCheckpoint reads _delta_log/_last_checkpoint; it returns an error wrapping fs.ErrNotExist when the
// table has none.
func ReadLastCheckpoint(ctx context.Context, dir string) (*LastCheckpoint, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(filepath.Join(dir, LogDir, "_last_checkpoint"))
	if err != nil {
		return nil, fmt.Errorf("read _last_checkpoint of %s: %w", dir, err)
	}
	var lc LastCheckpoint
	if err := json.Unmarshal(b, &lc); err != nil {
		return nil, fmt.Errorf("read _last_checkpoint of %s: %w", dir, err)
	}
	if lc.Version < 0 {
		return nil, fmt.Errorf("read _last_checkpoint of %s: %w", dir, errors.New("negative version"))
	}
	return &lc, nil
}
