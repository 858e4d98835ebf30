package workflow

import (
	"encoding/json"
	"io"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// The -o json documents. Each names its schema and version in "schema";
// docs/schemas/ holds the JSON Schema of each version, which a test
// checks real output against. A change that could break a reader (a field
// removed, renamed or retyped) is a new version; adding a field is not.
const (
	statusSchema = "fcsync.status/v1"
	pushSchema   = "fcsync.push/v1"
	diffSchema   = "fcsync.diff/v1"
	logSchema    = "fcsync.log/v1"
)

// statusDoc is status -o json.
type statusDoc struct {
	Schema     string  `json:"schema"`
	Branch     string  `json:"branch"`
	Head       *string `json:"head"` // null on a branch without commits
	LiveBranch string  `json:"liveBranch"`
	// SyncPoint is null when the branch never synced with the live branch.
	SyncPoint *syncPointDoc `json:"syncPoint"`
	// Resources are those not in sync, and with --all every resource.
	Resources []fsync.Entry `json:"resources"`
	URLs      []string      `json:"urls,omitempty"`
}

// syncPointDoc names the two commits of the sync point (DESIGN section 3):
// the live commit local work last merged or deployed, and the local commit
// that merged or deployed it.
type syncPointDoc struct {
	Live  string `json:"live"`
	Local string `json:"local"`
}

func (p *Project) statusDoc(sp *syncPoint, shown []fsync.Entry, urls []string) statusDoc {
	doc := statusDoc{Schema: statusSchema, Branch: sp.branch, LiveBranch: p.liveBranch(), Resources: shown, URLs: urls}
	if doc.Resources == nil {
		doc.Resources = []fsync.Entry{}
	}
	if !sp.head.IsZero() {
		h := sp.head.String()
		doc.Head = &h
	}
	if sp.ok {
		doc.SyncPoint = &syncPointDoc{Live: sp.r.String(), Local: sp.l.String()}
	}
	return doc
}

func allInSync(entries []fsync.Entry) bool {
	for _, e := range entries {
		if e.Category != fsync.InSync {
			return false
		}
	}
	return true
}

// writeJSON prints one JSON document on standard output.
func (p *Project) writeJSON(doc any) error {
	return writeJSONTo(p.st.Out, doc)
}

func writeJSONTo(w io.Writer, doc any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// Results of a push, pushDoc.Result.
const (
	pushPlanned  = "planned"    // --dry-run: the plan, nothing changed
	pushRefused  = "refused"    // online changes not merged (exit 3)
	pushUpToDate = "up-to-date" // nothing to change
	pushDeployed = "deployed"
	pushPartial  = "partial" // stopped part way; the deploy commit records what was applied
)

// pushDoc is push -o json (and push --dry-run -o json).
type pushDoc struct {
	Schema string `json:"schema"`
	Result string `json:"result"`
	// Drift is what changed online since the sync point, when refused.
	Drift []driftDoc `json:"drift,omitempty"`
	// Operations are the plan (planned) or what FC acknowledged (deployed,
	// partial), in plan order.
	Operations []fsync.Op `json:"operations"`
	NotApplied []fsync.Op `json:"notApplied,omitempty"`
	// LiveCommit is the deploy commit on the live branch.
	LiveCommit string        `json:"liveCommit,omitempty"`
	URLs       []string      `json:"urls,omitempty"`
	Error      string        `json:"error,omitempty"`
	Published  *publishedDoc `json:"published,omitempty"`
}

// publishedDoc is what push --publish did.
type publishedDoc struct {
	Service   string `json:"service,omitempty"`  // FC 2.0
	Function  string `json:"function,omitempty"` // FC 3.0
	VersionID string `json:"versionId"`
	Alias     string `json:"alias,omitempty"`
}

type driftDoc struct {
	Resource string                 `json:"resource"`
	Path     string                 `json:"path"`
	Reason   string                 `json:"reason"`
	Changes  []fsync.ResourceChange `json:"changes,omitempty"`
}

// pushReport writes push's JSON document; nil in text mode, where its
// methods do nothing. In JSON mode standard output holds the document
// alone: push's account for people (the plan, each operation done) goes to
// standard error instead.
type pushReport struct {
	w   io.Writer
	pub *publishStep // push --publish, reported with the result
}

func (p *Project) pushReport(format string) *pushReport {
	if format != "json" {
		return nil
	}
	r := &pushReport{w: p.st.Out}
	p.st.Out = p.st.Err
	return r
}

func (r *pushReport) write(doc pushDoc) error {
	if r == nil {
		return nil
	}
	doc.Schema = pushSchema
	if s := r.pub; s != nil && s.version.ID != "" {
		doc.Published = &publishedDoc{VersionID: s.version.ID}
		if s.root.API == fc.FC3 {
			doc.Published.Function = s.service
		} else {
			doc.Published.Service = s.service
		}
		if s.moved != nil {
			doc.Published.Alias = s.alias
		}
	}
	if doc.Operations == nil {
		doc.Operations = []fsync.Op{}
	}
	return writeJSONTo(r.w, doc)
}

func (r *pushReport) refused(drift []fsync.DriftItem) error {
	if r == nil {
		return nil
	}
	doc := pushDoc{Result: pushRefused}
	for _, d := range drift {
		doc.Drift = append(doc.Drift, driftDoc{Resource: d.ID.String(), Path: d.ID.File(), Reason: d.Reason, Changes: d.Changes})
	}
	return r.write(doc)
}

// done reports a push that applied operations: all of the plan, or part
// of it when applyErr is set.
func (r *pushReport) done(plan *fsync.Plan, applied []appliedOp, deploy gitstate.Hash, urls []string, applyErr error, scrub func(string) string) error {
	if r == nil {
		return nil
	}
	ok := map[fc.ID]bool{}
	for _, a := range applied {
		ok[a.op.ID] = true
	}
	doc := pushDoc{Result: pushDeployed, URLs: urls}
	if !deploy.IsZero() && len(applied) > 0 {
		doc.LiveCommit = deploy.String()
	}
	for _, op := range plan.Ops {
		if ok[op.ID] {
			doc.Operations = append(doc.Operations, op)
		} else {
			doc.NotApplied = append(doc.NotApplied, op)
		}
	}
	if applyErr != nil {
		doc.Result, doc.Error = pushPartial, scrub(applyErr.Error())
	}
	return r.write(doc)
}
