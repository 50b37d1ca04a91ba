package store

import (
	"os"
	"strings"
)

func writeFile(path, s string) error { return os.WriteFile(path, []byte(s), 0o644) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
