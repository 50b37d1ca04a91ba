// Package review is reviewdesk's domain: items, decisions, verdicts, reason codes, the rubric and thresholds, hint
// rules, the queue policy and the metrics supervisors read. It uses the standard library only (plus golang.org/x/text),
// so that `go test ./review/...` needs nothing but Go. Storage, files, HTTP and the desktop shell live in the packages
// around it and meet here, in these types.
package review
