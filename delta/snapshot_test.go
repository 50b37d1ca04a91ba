package delta

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// sharedTables finds shared/testdata/delta: $REVIEWDESK_SHARED/testdata/delta, or a shared/testdata/delta beside
// any directory above this package (the worktree or the CI clone sits next to shared/). The same helper lives
// in ingest's tests; test helpers cannot be shared across packages without exporting them.
func sharedTables(t *testing.T) string {
	t.Helper()
	if s := os.Getenv("REVIEWDESK_SHARED"); s != "" {
		d := filepath.Join(s, "testdata", "delta")
		if _, err := os.Stat(d); err != nil {
			t.Fatalf("REVIEWDESK_SHARED=%s has no testdata/delta: %v", s, err)
		}
		return d
	}
	dir, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	for {
		d := filepath.Join(dir, "shared", "testdata", "delta")
		if info, err := os.Stat(d); err == nil && info.IsDir() {
			return d
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("shared/testdata/delta not found above the package directory; set REVIEWDESK_SHARED to the shared dir")
		}
		dir = parent
	}
}

func filePaths(files []Add) []string {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = f.Path
	}
	return paths
}

func TestSnapshotSharedTables(t *testing.T) {
	root := sharedTables(t)
	ctx := context.Background()

	t.Run("simple_table", func(t *testing.T) {
		dir := filepath.Join(root, "simple_table")
		s, err := ReadSnapshot(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		// _delta_log/.tmp/00000000000000000005.json is an uncommitted attempt and must not count.
		if s.Version != 4 {
			t.Errorf("version = %d, want 4", s.Version)
		}
		want := []string{
			"part-00000-2befed33-c358-4768-a43c-3eda0d2a499d-c000.snappy.parquet",
			"part-00000-c1777d7d-89d9-4790-b38a-6ee7e24456b1-c000.snappy.parquet",
			"part-00001-7891c33d-cedc-47c3-88a6-abcfb049d3b4-c000.snappy.parquet",
			"part-00004-315835fe-fb44-4562-98f6-5e6cfa3ae45d-c000.snappy.parquet",
			"part-00007-3a0e4727-de0d-41b6-81ef-5223cf40f025-c000.snappy.parquet",
		}
		if got := filePaths(s.Files); !reflect.DeepEqual(got, want) {
			t.Errorf("files = %v\nwant %v", got, want)
		}
		// 6 + 21 + 6 + 2 + 1 files were added, 5 are live; every other one was removed.
		if len(s.Tombstones) != 31 {
			t.Errorf("tombstones = %d, want 31", len(s.Tombstones))
		}
		if s.CheckpointVersion != -1 {
			t.Errorf("checkpoint version = %d, want -1", s.CheckpointVersion)
		}
		if op := s.CommitInfo["operation"]; op != "DELETE" {
			t.Errorf("commitInfo operation = %v, want DELETE", op)
		}
		if f, ok := s.Schema.Field("id"); !ok || f.Type.Name != "long" || !f.Nullable {
			t.Errorf("schema field id = %+v, %v", f, ok)
		}
		if err := s.CheckReadable(); err != nil {
			t.Error(err)
		}

		for v, n := range map[int64]int{0: 6, 1: 22, 2: 6, 3: 6, 4: 5} {
			sv, err := ReadSnapshotAt(ctx, dir, v)
			if err != nil {
				t.Fatal(err)
			}
			if len(sv.Files) != n {
				t.Errorf("version %d: %d files, want %d", v, len(sv.Files), n)
			}
		}
		if _, err := ReadSnapshotAt(ctx, dir, 5); err == nil {
			t.Error("version 5 (only in .tmp) read without error")
		}
		latest, err := LatestVersion(ctx, dir)
		if err != nil || latest != 4 {
			t.Errorf("LatestVersion = %d, %v; want 4", latest, err)
		}
	})

	t.Run("delta-0.8.0-partitioned", func(t *testing.T) {
		s, err := ReadSnapshot(ctx, filepath.Join(root, "delta-0.8.0-partitioned"))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(s.Metadata.PartitionColumns, []string{"year", "month", "day"}) {
			t.Errorf("partition columns = %v", s.Metadata.PartitionColumns)
		}
		want := map[string]string{
			"year=2020/month=1/day=1":   "2020-1-1",
			"year=2020/month=2/day=3":   "2020-2-3",
			"year=2020/month=2/day=5":   "2020-2-5",
			"year=2021/month=12/day=20": "2021-12-20",
			"year=2021/month=12/day=4":  "2021-12-4",
			"year=2021/month=4/day=5":   "2021-4-5",
		}
		if len(s.Files) != len(want) {
			t.Fatalf("%d files, want %d", len(s.Files), len(want))
		}
		for _, f := range s.Files {
			dir := filepath.ToSlash(filepath.Dir(f.Path))
			pv := f.PartitionValues["year"] + "-" + f.PartitionValues["month"] + "-" + f.PartitionValues["day"]
			if want[dir] != pv {
				t.Errorf("%s: partition values %v, want %s", f.Path, f.PartitionValues, want[dir])
			}
			p, err := s.FilePath(f)
			if err != nil {
				t.Fatal(err)
			}
			if info, err := os.Stat(p); err != nil || info.Size() != f.Size {
				t.Errorf("%s: stat %v, size in log %d", p, err, f.Size)
			}
		}
	})

	t.Run("data-reader-primitives", func(t *testing.T) {
		s, err := ReadSnapshot(ctx, filepath.Join(root, "data-reader-primitives"))
		if err != nil {
			t.Fatal(err)
		}
		var types []string
		for _, f := range s.Schema.Fields {
			types = append(types, f.Name+":"+f.Type.String())
		}
		want := []string{"as_int:integer", "as_long:long", "as_byte:byte", "as_short:short", "as_boolean:boolean",
			"as_float:float", "as_double:double", "as_string:string", "as_binary:binary", "as_big_decimal:decimal(1,0)"}
		if !reflect.DeepEqual(types, want) {
			t.Errorf("schema = %v\nwant %v", types, want)
		}
		if len(s.Files) != 2 || s.Files[0].NumRecords() != -1 {
			t.Errorf("files = %v (numRecords %d)", filePaths(s.Files), s.Files[0].NumRecords())
		}
	})

	t.Run("basic-with-inserts-updates", func(t *testing.T) {
		s, err := ReadSnapshot(ctx, filepath.Join(root, "basic-with-inserts-updates"))
		if err != nil {
			t.Fatal(err)
		}
		want := []string{
			"part-00000-6dfaec75-bd45-4fd6-b20f-7d58c9341479-c000.snappy.parquet",
			"part-00001-13a6bfd9-3835-44dd-b4f1-465aa95b2bf4-c000.snappy.parquet",
		}
		if got := filePaths(s.Files); !reflect.DeepEqual(got, want) {
			t.Errorf("files = %v, want %v", got, want)
		}
		for _, f := range s.Files {
			if f.NumRecords() != 50 {
				t.Errorf("%s: numRecords %d, want 50", f.Path, f.NumRecords())
			}
		}
		if len(s.Tombstones) != 1 || s.Tombstones[0].Path != "part-00000-f9886fc2-20a0-42fe-8b30-c3abb5e3c720-c000.snappy.parquet" {
			t.Errorf("tombstones = %+v", s.Tombstones)
		}
		st, err := ParseStats(s.Files[0].Stats)
		if err != nil || st.MinValues["str"] != "N/A" || st.NullCount["id"] != 0 {
			t.Errorf("stats = %+v, %v", st, err)
		}
	})

	t.Run("deltalog-getChanges", func(t *testing.T) {
		s, err := ReadSnapshot(ctx, filepath.Join(root, "deltalog-getChanges"))
		if err != nil {
			t.Fatal(err)
		}
		if s.Version != 2 || len(s.Files) != 0 {
			t.Errorf("version %d, files %v; want 2 and none (fake/path/1 was removed, cdc adds no file)", s.Version, filePaths(s.Files))
		}
		if !reflect.DeepEqual(s.Txns, map[string]int64{"fakeAppId": 3}) {
			t.Errorf("txns = %v", s.Txns)
		}
		s1, err := ReadSnapshotAt(ctx, filepath.Join(root, "deltalog-getChanges"), 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := filePaths(s1.Files); !reflect.DeepEqual(got, []string{"fake/path/1"}) {
			t.Errorf("version 0 files = %v", got)
		}
	})
}

func TestSnapshotErrors(t *testing.T) {
	ctx := context.Background()
	proto := `{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}`
	meta := `{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":[],"configuration":{}}}`
	tests := []struct {
		name    string
		commits map[int64]string
		want    string
	}{
		{"no log", nil, "no _delta_log directory"},
		{"gap", map[int64]string{0: proto + "\n" + meta, 2: `{"add":{"path":"a","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}`}, "commit 1 is missing"},
		{"bad json", map[int64]string{0: proto + "\n" + meta + "\n{\"add\":"}, "00000000000000000000.json: line 3: not a valid action"},
		{"no protocol", map[int64]string{0: meta}, "no protocol action"},
		{"no metadata", map[int64]string{0: proto}, "no metaData action"},
		{"escaping path", map[int64]string{0: proto + "\n" + meta + "\n" + `{"add":{"path":"../../etc/passwd","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}`}, "points outside the table"},
		{"s3 path", map[int64]string{0: proto + "\n" + meta + "\n" + `{"add":{"path":"s3://bucket/x.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}`}, `uses scheme "s3"`},
		{"starts late", map[int64]string{3: proto + "\n" + meta}, "commit 0 is missing and there is no checkpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.commits != nil {
				writeLog(t, dir, tt.commits)
			}
			_, err := ReadSnapshot(ctx, dir)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want it to contain %q", err, tt.want)
			}
			if tt.commits == nil && !errors.Is(err, ErrNotTable) {
				t.Errorf("error %v does not wrap ErrNotTable", err)
			}
		})
	}
}

func writeLog(t *testing.T, dir string, commits map[int64]string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Join(dir, LogDir), 0o755); err != nil {
		t.Fatal(err)
	}
	for v, body := range commits {
		if err := os.WriteFile(CommitPath(dir, v), []byte(body+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDecodePath(t *testing.T) {
	tests := []struct {
		in, want, err string
	}{
		{"part-0.parquet", "part-0.parquet", ""},
		{"date=2017-12-10/part-0.parquet", "date=2017-12-10/part-0.parquet", ""},
		{"a%20b/c%253Ad.parquet", "a b/c%3Ad.parquet", ""}, // Spark escapes ':' in the directory, then URI-encodes
		{"%E6%97%A5%E6%9C%AC/x.parquet", "日本/x.parquet", ""},
		{"file:///tmp/t/x.parquet", "/tmp/t/x.parquet", ""},
		{"file:/tmp/t/x%20y.parquet", "/tmp/t/x y.parquet", ""},
		{"s3://b/x.parquet", "", "scheme"},
		{"../x.parquet", "", "outside"},
		{"/etc/passwd", "", "outside"},
		{"a%zz", "", "not a valid URI"},
		{"", "", "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := DecodePath(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("DecodePath(%q) = %q, %v; want error with %q", tt.in, got, err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("DecodePath(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestCheckReadable(t *testing.T) {
	tests := []struct {
		name string
		p    Protocol
		cfg  map[string]string
		want string // "" = readable
	}{
		{"v1", Protocol{MinReaderVersion: 1, MinWriterVersion: 2}, nil, ""},
		{"v2 without mapping", Protocol{MinReaderVersion: 2, MinWriterVersion: 5}, nil, ""},
		{"v2 mapping none", Protocol{MinReaderVersion: 2, MinWriterVersion: 5}, map[string]string{"delta.columnMapping.mode": "none"}, ""},
		{"v2 mapping name", Protocol{MinReaderVersion: 2, MinWriterVersion: 5}, map[string]string{"delta.columnMapping.mode": "name"}, "columnMapping"},
		{"v3 timestampNtz", Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"timestampNtz"}}, nil, ""},
		{"v3 deletion vectors", Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"deletionVectors", "timestampNtz"}}, nil, "deletionVectors"},
		{"v3 mapping id", Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"columnMapping"}}, map[string]string{"delta.columnMapping.mode": "id"}, `mode is "id"`},
		{"v3 unknown", Protocol{MinReaderVersion: 3, MinWriterVersion: 7, ReaderFeatures: []string{"futureThing", "typeWidening"}}, nil, "futureThing, typeWidening"},
		{"v4", Protocol{MinReaderVersion: 4, MinWriterVersion: 7}, nil, "minReaderVersion=4"},
		// Mapping configured without the feature: the property must not be honoured, so the table reads by name.
		{"v1 stray mapping property", Protocol{MinReaderVersion: 1, MinWriterVersion: 2}, map[string]string{"delta.columnMapping.mode": "name"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckReadable(tt.p, tt.cfg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var ufe *UnsupportedFeatureError
			if !errors.As(err, &ufe) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error = %v, want UnsupportedFeatureError naming %q", err, tt.want)
			}
		})
	}
}

// TestSnapshotOrigins checks that a snapshot knows which log line set its protocol, its metadata and each live
// file, and that a file read from a checkpoint points at the checkpoint.
func TestSnapshotOrigins(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	add := func(p string) Action { return Action{Add: &Add{Path: p, Size: 1, DataChange: true}} }
	if err := WriteCommit(ctx, dir, 0, []Action{
		{Protocol: &Protocol{MinReaderVersion: 1, MinWriterVersion: 2}},
		{MetaData: &Metadata{ID: "t", SchemaString: `{"type":"struct","fields":[]}`}},
		add("a.parquet"), add("b.parquet"),
	}); err != nil {
		t.Fatal(err)
	}
	if err := WriteCommit(ctx, dir, 1, []Action{{Remove: &Remove{Path: "a.parquet", DataChange: true}}, add("c.parquet")}); err != nil {
		t.Fatal(err)
	}
	s, err := ReadSnapshot(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	c0, c1 := CommitPath(dir, 0), CommitPath(dir, 1)
	if want := (Origin{Version: 0, File: c0, Line: 1}); s.ProtocolOrigin != want {
		t.Errorf("protocol origin = %+v, want %+v", s.ProtocolOrigin, want)
	}
	if want := (Origin{Version: 0, File: c0, Line: 2}); s.MetadataOrigin != want {
		t.Errorf("metadata origin = %+v, want %+v", s.MetadataOrigin, want)
	}
	want := []Origin{{Version: 0, File: c0, Line: 4}, {Version: 1, File: c1, Line: 2}}
	if got := filePaths(s.Files); !reflect.DeepEqual(got, []string{"b.parquet", "c.parquet"}) || !reflect.DeepEqual(s.FileOrigins, want) {
		t.Errorf("files %v from %+v, want [b.parquet c.parquet] from %+v", got, s.FileOrigins, want)
	}
	if got := s.FileOrigin(1).String(); got != c1+":2" {
		t.Errorf("FileOrigin(1) = %q", got)
	}

	if err := WriteCheckpoint(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := WriteCommit(ctx, dir, 2, []Action{add("d.parquet")}); err != nil {
		t.Fatal(err)
	}
	s, err = ReadSnapshot(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	cp := filepath.Join(dir, LogDir, "00000000000000000001.checkpoint.parquet")
	if o := s.FileOrigin(0); o != (Origin{Version: 1, File: cp}) || !o.Checkpoint() || o.String() != cp {
		t.Errorf("origin of %s = %+v, want checkpoint 1", s.Files[0].Path, o)
	}
	if o := s.FileOrigin(2); o != (Origin{Version: 2, File: CommitPath(dir, 2), Line: 1}) {
		t.Errorf("origin of %s = %+v, want commit 2 line 1", s.Files[2].Path, o)
	}
	if s.ProtocolOrigin.File != cp {
		t.Errorf("protocol origin = %+v, want the checkpoint", s.ProtocolOrigin)
	}
}
