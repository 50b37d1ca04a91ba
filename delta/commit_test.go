package delta

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

func TestActionJSON(t *testing.T) {
	created := int64(1700000000000)
	off := int32(4)
	tests := []struct {
		name string
		a    Action
		want string
	}{
		{"protocol v1", Action{Protocol: &Protocol{MinReaderVersion: 1, MinWriterVersion: 2}},
			`{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}`},
		{"protocol v3 empty features", Action{Protocol: &Protocol{MinReaderVersion: 3, MinWriterVersion: 7}},
			`{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":[],"writerFeatures":[]}}`},
		{"protocol v2/7", Action{Protocol: &Protocol{MinReaderVersion: 2, MinWriterVersion: 7, ReaderFeatures: []string{"x"}, WriterFeatures: []string{"appendOnly"}}},
			`{"protocol":{"minReaderVersion":2,"minWriterVersion":7,"writerFeatures":["appendOnly"]}}`},
		{"metadata defaults", Action{MetaData: &Metadata{ID: "id1", SchemaString: `{"type":"struct","fields":[]}`, CreatedTime: &created}},
			`{"metaData":{"id":"id1","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":[],"createdTime":1700000000000,"configuration":{}}}`},
		{"add minimal", Action{Add: &Add{Path: "p.parquet", Size: 10, ModificationTime: 5, DataChange: true}},
			`{"add":{"path":"p.parquet","partitionValues":{},"size":10,"modificationTime":5,"dataChange":true}}`},
		{"add full", Action{Add: &Add{Path: "d=1/p.parquet", PartitionValues: map[string]string{"d": "1"}, Size: 1, ModificationTime: 2,
			Stats: `{"numRecords":1}`, Tags: map[string]string{"k": "v"}, DeletionVector: &DeletionVector{StorageType: "u", PathOrInlineDv: "ab", Offset: &off, SizeInBytes: 3, Cardinality: 4}}},
			`{"add":{"path":"d=1/p.parquet","partitionValues":{"d":"1"},"size":1,"modificationTime":2,"dataChange":false,"stats":"{\"numRecords\":1}","tags":{"k":"v"},"deletionVector":{"storageType":"u","pathOrInlineDv":"ab","offset":4,"sizeInBytes":3,"cardinality":4}}}`},
		{"remove", Action{Remove: &Remove{Path: "p.parquet", DeletionTimestamp: &created, DataChange: true}},
			`{"remove":{"path":"p.parquet","deletionTimestamp":1700000000000,"dataChange":true}}`},
		{"txn", Action{Txn: &Txn{AppID: "reviewdesk", Version: 7}}, `{"txn":{"appId":"reviewdesk","version":7}}`},
		{"txn updated", Action{Txn: &Txn{AppID: "a", Version: 1, LastUpdated: &created}}, `{"txn":{"appId":"a","version":1,"lastUpdated":1700000000000}}`},
		{"commitInfo", Action{CommitInfo: map[string]any{"timestamp": created, "operation": "WRITE", "engineInfo": "reviewdesk <dev>"}},
			`{"commitInfo":{"engineInfo":"reviewdesk <dev>","operation":"WRITE","timestamp":1700000000000}}`},
		{"cdc", Action{CDC: &CDC{Path: "_change_data/c.parquet", Size: 3}}, `{"cdc":{"path":"_change_data/c.parquet","partitionValues":{},"size":3,"dataChange":false}}`},
		{"domain", Action{DomainMetadata: &DomainMetadata{Domain: "d", Configuration: "{}"}}, `{"domainMetadata":{"domain":"d","configuration":"{}","removed":false}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := EncodeActions([]Action{tt.a})
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.TrimSuffix(string(b), "\n"); got != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
			// It decodes back to the same action.
			var back []Action
			if err := ParseActions(strings.NewReader(string(b)), func(_ int, a *Action) error {
				back = append(back, *a)
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			b2, err := EncodeActions(back)
			if err != nil || string(b2) != string(b) {
				t.Fatalf("round trip: %s, %v", b2, err)
			}
		})
	}
	if _, err := EncodeActions([]Action{{}}); err == nil {
		t.Error("an empty action encoded without error")
	}
	if _, err := EncodeActions([]Action{{Txn: &Txn{AppID: "a"}, Add: &Add{Path: "p"}}}); err == nil {
		t.Error("an action with two kinds encoded without error")
	}
}

func TestSchemaRoundTrip(t *testing.T) {
	in := `{"type":"struct","fields":[{"name":"a","type":"integer","nullable":false,"metadata":{}},` +
		`{"name":"b","type":{"type":"struct","fields":[{"name":"d","type":"integer","nullable":false,"metadata":{}}]},"nullable":true,"metadata":{}},` +
		`{"name":"c","type":{"type":"array","elementType":"integer","containsNull":false},"nullable":true,"metadata":{}},` +
		`{"name":"f","type":{"type":"map","keyType":"string","valueType":"string","valueContainsNull":true},"nullable":true,"metadata":{"comment":"x"}}]}`
	s, err := ParseSchema(in)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != in {
		t.Fatalf("round trip:\n got %s\nwant %s", got, in)
	}
	var names []string
	for _, f := range s.Fields {
		names = append(names, f.Name+":"+f.Type.String())
	}
	want := []string{"a:integer", "b:struct<d:integer>", "c:array<integer>", "f:map<string,string>"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("fields = %v", names)
	}
	for _, bad := range []string{`{"type":"array","elementType":"x","containsNull":true}`, `{"type":"struct","fields":[{"name":"","type":"int"}]}`,
		`{"type":"struct","fields":[{"name":"a"}]}`, `not json`} {
		if _, err := ParseSchema(bad); err == nil {
			t.Errorf("ParseSchema(%s) succeeded", bad)
		}
	}
}

func newTable(t *testing.T, dir string, adds ...string) {
	t.Helper()
	created := int64(1)
	actions := []Action{
		{CommitInfo: map[string]any{"operation": "CREATE TABLE"}},
		{Protocol: &Protocol{MinReaderVersion: 1, MinWriterVersion: 2}},
		{MetaData: &Metadata{ID: "t1", SchemaString: `{"type":"struct","fields":[{"name":"id","type":"string","nullable":false,"metadata":{}},{"name":"batch","type":"string","nullable":true,"metadata":{}}]}`,
			PartitionColumns: []string{"batch"}, CreatedTime: &created}},
	}
	for _, p := range adds {
		actions = append(actions, Action{Add: &Add{Path: p, PartitionValues: map[string]string{"batch": "b1"}, Size: 1, ModificationTime: 1, DataChange: true}})
	}
	if err := WriteCommit(context.Background(), dir, 0, actions); err != nil {
		t.Fatal(err)
	}
}

func TestWriteCommitRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	newTable(t, dir, "batch=b1/a.parquet", "batch=b1/b%20c.parquet")
	ts := int64(99)
	if err := WriteCommit(ctx, dir, 1, []Action{
		{Remove: &Remove{Path: "batch=b1/a.parquet", DeletionTimestamp: &ts, DataChange: true}},
		{Add: &Add{Path: "batch=b2/d.parquet", PartitionValues: map[string]string{"batch": "b2"}, Size: 2, ModificationTime: 2, DataChange: true}},
		{Txn: &Txn{AppID: "exporter", Version: 1}},
	}); err != nil {
		t.Fatal(err)
	}
	// Committing a version twice is refused and leaves the first commit as it was.
	before, _ := os.ReadFile(CommitPath(dir, 1))
	err := WriteCommit(ctx, dir, 1, []Action{{Txn: &Txn{AppID: "exporter", Version: 2}}})
	if !errors.Is(err, ErrVersionExists) {
		t.Fatalf("second commit of version 1: %v, want ErrVersionExists", err)
	}
	after, _ := os.ReadFile(CommitPath(dir, 1))
	if string(before) != string(after) {
		t.Fatal("the existing commit was changed")
	}
	s, err := ReadSnapshot(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := filePaths(s.Files); !reflect.DeepEqual(got, []string{"batch=b1/b%20c.parquet", "batch=b2/d.parquet"}) {
		t.Errorf("files = %v", got)
	}
	if p, _ := s.FilePath(s.Files[0]); p != filepath.Join(dir, "batch=b1", "b c.parquet") {
		t.Errorf("file path = %s", p)
	}
	if s.Version != 1 || s.Txns["exporter"] != 1 || len(s.Tombstones) != 1 {
		t.Errorf("version %d txns %v tombstones %v", s.Version, s.Txns, s.Tombstones)
	}
	// No temporary files are left behind in the log.
	entries, _ := os.ReadDir(filepath.Join(dir, LogDir))
	if len(entries) != 2 {
		t.Errorf("log holds %d entries, want 2 commits", len(entries))
	}
}

func TestWriteCommitConcurrent(t *testing.T) {
	dir := t.TempDir()
	newTable(t, dir)
	const writers = 8
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for i := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = WriteCommit(context.Background(), dir, 1, []Action{{Txn: &Txn{AppID: "w", Version: int64(i)}}})
		}()
	}
	wg.Wait()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				t.Fatalf("writers %d and %d both committed version 1", winner, i)
			}
			winner = i
		case !errors.Is(err, ErrVersionExists):
			t.Fatalf("writer %d: %v", i, err)
		}
	}
	if winner < 0 {
		t.Fatal("no writer committed")
	}
	s, err := ReadSnapshot(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Txns["w"] != int64(winner) {
		t.Errorf("txn version = %d, want the winner's %d", s.Txns["w"], winner)
	}
}

func TestCheckpoint(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	newTable(t, dir, "batch=b1/a.parquet", "batch=b1/b.parquet")
	ts := int64(5)
	if err := WriteCommit(ctx, dir, 1, []Action{
		{Remove: &Remove{Path: "batch=b1/a.parquet", DeletionTimestamp: &ts, DataChange: true}},
		{Txn: &Txn{AppID: "exporter", Version: 4}},
		{DomainMetadata: &DomainMetadata{Domain: "reviewdesk.export", Configuration: `{"run":1}`}},
	}); err != nil {
		t.Fatal(err)
	}
	s1, err := ReadSnapshot(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteCheckpoint(ctx, s1); err != nil {
		t.Fatal(err)
	}
	lc, err := ReadLastCheckpoint(ctx, dir)
	if err != nil || lc.Version != 1 || *lc.NumOfAddFiles != 1 || lc.Size != 6 {
		t.Fatalf("_last_checkpoint = %+v, %v", lc, err)
	}
	if err := WriteCommit(ctx, dir, 2, []Action{{Add: &Add{Path: "batch=b1/c.parquet", PartitionValues: map[string]string{"batch": "b1"}, Size: 3, DataChange: true}}}); err != nil {
		t.Fatal(err)
	}
	// With the commits before the checkpoint gone, only the checkpoint can supply the protocol, metadata,
	// files, txns and domains.
	for _, v := range []int64{0, 1} {
		if err := os.Remove(CommitPath(dir, v)); err != nil {
			t.Fatal(err)
		}
	}
	s2, err := ReadSnapshot(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	if s2.CheckpointVersion != 1 || s2.Version != 2 {
		t.Errorf("checkpoint %d version %d", s2.CheckpointVersion, s2.Version)
	}
	if got := filePaths(s2.Files); !reflect.DeepEqual(got, []string{"batch=b1/b.parquet", "batch=b1/c.parquet"}) {
		t.Errorf("files = %v", got)
	}
	if s2.Files[0].PartitionValues["batch"] != "b1" || s2.Txns["exporter"] != 4 || s2.Domains["reviewdesk.export"].Configuration != `{"run":1}` {
		t.Errorf("checkpoint state lost: %+v %v %v", s2.Files[0], s2.Txns, s2.Domains)
	}
	if s2.Metadata.ID != "t1" || !reflect.DeepEqual(s2.Metadata.PartitionColumns, []string{"batch"}) || s2.Protocol.MinWriterVersion != 2 {
		t.Errorf("metadata %+v protocol %+v", s2.Metadata, s2.Protocol)
	}
	if len(s2.Tombstones) != 1 || s2.Tombstones[0].Path != "batch=b1/a.parquet" {
		t.Errorf("tombstones = %+v", s2.Tombstones)
	}
	if _, err := ReadSnapshotAt(ctx, dir, 0); err == nil {
		t.Error("version 0 read although its commit and no checkpoint are there")
	}
}

// TestCheckpointKinds covers checkpoints this package does not write: multi-part (complete and incomplete) and
// a UUID-named V2 JSON checkpoint whose files sit in a sidecar.
func TestCheckpointKinds(t *testing.T) {
	ctx := context.Background()
	proto := cpRow{Protocol: &cpProtocol{MinReaderVersion: ptr(int32(1)), MinWriterVersion: ptr(int32(2))}}
	meta := cpRow{MetaData: &cpMetadata{ID: ptr("m"), SchemaString: ptr(`{"type":"struct","fields":[]}`), Format: &cpFormat{Provider: ptr("parquet")}}}
	add := func(p string) cpRow {
		return cpRow{Add: &cpAdd{Path: ptr(p), Size: ptr(int64(1)), DataChange: ptr(false)}}
	}
	writeParquet := func(t *testing.T, path string, rows ...cpRow) {
		t.Helper()
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		w := parquet.NewGenericWriter[cpRow](f)
		if _, err := w.Write(rows); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("multipart", func(t *testing.T) {
		dir := t.TempDir()
		logDir := filepath.Join(dir, LogDir)
		os.MkdirAll(logDir, 0o755)
		writeParquet(t, filepath.Join(logDir, "00000000000000000003.checkpoint.0000000001.0000000002.parquet"), proto, meta, add("a"))
		writeParquet(t, filepath.Join(logDir, "00000000000000000003.checkpoint.0000000002.0000000002.parquet"), add("b"))
		// An incomplete newer multi-part checkpoint must be ignored.
		writeParquet(t, filepath.Join(logDir, "00000000000000000004.checkpoint.0000000001.0000000002.parquet"), proto, meta)
		writeLog(t, dir, map[int64]string{4: `{"add":{"path":"c","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}`})
		s, err := ReadSnapshot(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := filePaths(s.Files); s.CheckpointVersion != 3 || !reflect.DeepEqual(got, []string{"a", "b", "c"}) {
			t.Errorf("checkpoint %d files %v", s.CheckpointVersion, got)
		}
	})

	t.Run("v2 sidecar", func(t *testing.T) {
		dir := t.TempDir()
		logDir := filepath.Join(dir, LogDir)
		os.MkdirAll(filepath.Join(logDir, "_sidecars"), 0o755)
		writeParquet(t, filepath.Join(logDir, "_sidecars", "016ae953.parquet"), add("x"), add("y"))
		cp := `{"checkpointMetadata":{"version":7,"tags":{}}}
{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["v2Checkpoint"],"writerFeatures":["v2Checkpoint"]}}
{"metaData":{"id":"m","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":[],"configuration":{}}}
{"sidecar":{"path":"016ae953.parquet","sizeInBytes":1,"modificationTime":1,"tags":{}}}
`
		os.WriteFile(filepath.Join(logDir, "00000000000000000007.checkpoint.80a083e8-7026-4e79-81be-64bd76c43a11.json"), []byte(cp), 0o644)
		s, err := ReadSnapshot(ctx, dir)
		if err != nil {
			t.Fatal(err)
		}
		if got := filePaths(s.Files); s.Version != 7 || !reflect.DeepEqual(got, []string{"x", "y"}) {
			t.Errorf("version %d files %v", s.Version, got)
		}
		if err := s.CheckReadable(); err != nil {
			t.Error(err)
		}
	})

	t.Run("corrupt checkpoint", func(t *testing.T) {
		dir := t.TempDir()
		logDir := filepath.Join(dir, LogDir)
		os.MkdirAll(logDir, 0o755)
		os.WriteFile(filepath.Join(logDir, "00000000000000000002.checkpoint.parquet"), []byte("PAR1 this is not parquet"), 0o644)
		_, err := ReadSnapshot(ctx, dir)
		if err == nil || !strings.Contains(err.Error(), "checkpoint.parquet") {
			t.Fatalf("error = %v, want one naming the checkpoint file", err)
		}
	})
}

func TestStatsCollector(t *testing.T) {
	c := NewStatsCollector("id", "score", "summary", "at", "ok")
	long := strings.Repeat("あ", 40)
	t1 := time.Date(2026, 1, 2, 3, 4, 5, 123456789, time.UTC)
	c.AddRow(map[string]any{"id": "b", "score": int64(3), "summary": long, "at": t1, "ok": true})
	c.AddRow(map[string]any{"id": "a", "score": 2.5, "summary": nil, "at": t1.Add(-time.Hour)})
	c.AddRow(map[string]any{"id": "c", "score": int64(10), "summary": "short"})
	got, err := c.Stats().JSON()
	if err != nil {
		t.Fatal(err)
	}
	// "short" sorts before any kana in UTF-8 byte order; the long maximum is cut and bumped.
	want := `{"numRecords":3,"minValues":{"at":"2026-01-02T02:04:05.123Z","id":"a","score":2.5,"summary":"short"},` +
		`"maxValues":{"at":"2026-01-02T03:04:05.124Z","id":"c","score":10,"summary":"` + strings.Repeat("あ", 32) + "\U0010FFFF" + `"},` +
		`"nullCount":{"at":1,"id":0,"ok":2,"score":0,"summary":1}}`
	if got != want {
		t.Fatalf("stats\n got %s\nwant %s", got, want)
	}
	c2 := NewStatsCollector("s")
	c2.AddRow(map[string]any{"s": long})
	if mx := c2.Stats().MaxValues["s"].(string); mx != strings.Repeat("あ", 32)+"\U0010FFFF" || mx < long {
		t.Errorf("truncated max %q does not bound %q", mx, long)
	}
	back, err := ParseStats(want)
	if err != nil || back.NumRecords != 3 || back.NullCount["summary"] != 1 {
		t.Errorf("ParseStats = %+v, %v", back, err)
	}
}

func ExampleWriteCommit() {
	dir, _ := os.MkdirTemp("", "gold")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	schema := &StructType{Fields: []StructField{{Name: "id", Type: DataType{Name: "string"}}}}
	stats, _ := Stats{NumRecords: 1}.JSON()
	err := WriteCommit(ctx, dir, 0, []Action{
		{Protocol: &Protocol{MinReaderVersion: 1, MinWriterVersion: 2}},
		{MetaData: &Metadata{ID: "gold", SchemaString: schema.String()}},
		{Add: &Add{Path: "part-0.parquet", Size: 100, ModificationTime: 1, DataChange: true, Stats: stats}},
	})
	fmt.Println(err)
	s, _ := ReadSnapshot(ctx, dir)
	fmt.Println(s.Version, len(s.Files), s.Files[0].NumRecords())
	// Output:
	// <nil>
	// 0 1 1
}

func TestCommitReadableByOthersAndRemoveCarriesPartitionValues(t *testing.T) {
	dir := t.TempDir()
	ext := true
	size := int64(10)
	if err := WriteCommit(context.Background(), dir, 0, []Action{
		{Remove: &Remove{Path: "a.parquet", DataChange: true, ExtendedFileMetadata: &ext, Size: &size}},
	}); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(CommitPath(dir, 0))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm()&0o044 != 0o044 {
		t.Fatalf("commit file mode %v: others cannot read it", fi.Mode().Perm())
	}
	b, _ := os.ReadFile(CommitPath(dir, 0))
	if !strings.Contains(string(b), `"partitionValues":{}`) {
		t.Fatalf("remove with extendedFileMetadata lacks partitionValues: %s", b)
	}
}
