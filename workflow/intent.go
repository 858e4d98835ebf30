package workflow

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// A push records its intent before its first write (DESIGN section 5): the
// values each operation is about to send. A push that is killed, or
// interrupted with writes in flight, cannot know which of them reached FC;
// the next fetch, pull or push reads online, and what matches the intent is
// that push's partial deploy, recorded as such, not a change made by
// someone else in the console. The file lives in the git directory: it is
// this repository's own business and must not travel with git push.
const intentFile = "fcsync-push-intent.json"

// pushIntent is the recorded intent of one push.
type pushIntent struct {
	Head     string     `json:"head"` // the local commit being deployed
	Tip      string     `json:"tip"`  // the live tip the push started from
	Trailers string     `json:"trailers,omitempty"`
	Ops      []intentOp `json:"ops"`
}

// intentOp is one operation: the values it sends, with the values of
// secret variables replaced by their salted hashes (the same as the live
// branch keeps), so that no secret reaches the disk.
type intentOp struct {
	File   string         `json:"file"` // the resource's project file: its identity
	Action fsync.Action   `json:"action"`
	Fields map[string]any `json:"fields,omitempty"`
	Code   string         `json:"codeChecksum,omitempty"`
}

func (p *Project) writeIntent(head, tip gitstate.Hash, trailers string, ops []fsync.Op, salt string) error {
	in := pushIntent{Head: head.String(), Tip: tip.String(), Trailers: trailers}
	for _, op := range ops {
		io := intentOp{File: op.ID.File(), Action: op.Action}
		if op.Action != fsync.ActionDelete {
			io.Fields = map[string]any{}
			for k, v := range op.Send {
				io.Fields[k] = p.intentValue(k, v, salt)
			}
		}
		if op.Code {
			io.Code = fc.Checksum(op.Zip)
		}
		in.Ops = append(in.Ops, io)
	}
	data, err := json.MarshalIndent(in, "", "  ")
	if err != nil {
		return err
	}
	return p.repo.WriteGitFile(intentFile, data)
}

// intentValue is a field's value as the intent keeps it: normalised, with
// secret variables (by name or value rule) hashed, and without a private
// key, which FC never returns to compare with.
func (p *Project) intentValue(field string, v any, salt string) any {
	v = fc.Normalize(v)
	m, ok := v.(map[string]any)
	switch {
	case !ok:
		return v
	case field == "certConfig":
		out := make(map[string]any, len(m))
		for k, val := range m {
			if k != "privateKey" {
				out[k] = val
			}
		}
		return out
	case field != "environmentVariables":
		return v
	}
	out := make(map[string]any, len(m))
	for name, val := range m {
		out[name] = val
		if s, isString := val.(string); isString && fsync.IsSecret(name, s, p.cfg.SecretPatterns) {
			out[name] = fsync.SecretHash(salt, name, s)
		}
	}
	return out
}

// holdsIntent reports whether an online resource (with secret values, as
// read) holds what an operation sent.
func (p *Project) holdsIntent(op intentOp, r *fc.Resource, salt string) bool {
	if op.Action == fsync.ActionDelete {
		return r == nil
	}
	if r == nil {
		return false
	}
	for k, want := range op.Fields {
		if !reflect.DeepEqual(p.intentValue(k, r.Spec[k], salt), fc.Normalize(want)) {
			return false
		}
	}
	return op.Code == "" || r.CodeChecksum() == op.Code
}

func (p *Project) readIntent() (*pushIntent, error) {
	data, ok, err := p.repo.ReadGitFile(intentFile)
	if err != nil || !ok {
		return nil, err
	}
	var in pushIntent
	if err := json.Unmarshal(data, &in); err != nil {
		return nil, fmt.Errorf(".git/%s: %w (remove it to go on; what the interrupted push wrote then reads as online changes)", intentFile, err)
	}
	return &in, nil
}

// recoverIntent settles the intent an interrupted push left behind, before
// fetch records online changes: the operations whose values are online
// are recorded as that push's partial deploy, on top of the live tip it
// started from. raw is online now, with secret values.
func (p *Project) recoverIntent(live *liveState, raw *fsync.State) error {
	in, err := p.readIntent()
	if err != nil || in == nil {
		return err
	}
	if started := plumbing.NewHash(in.Tip); live.tip != started && !p.isAncestor(started, live.tip) {
		// Another writer moved the live branch since: what the push wrote
		// is recorded already, as online changes.
		fmt.Fprintf(p.st.Err, "fcsync: warning: an interrupted push's record is older than %s; forgetting it\n", p.liveBranch())
		return p.repo.RemoveGitFile(intentFile)
	}
	after := live.state.Clone()
	online := p.redact(raw, live.salt, live.state)
	var applied, unknown []string
	for _, op := range in.Ops {
		id, ok := p.cfg.API.ParseFile(op.File)
		if !ok {
			continue
		}
		cur := raw.Resources[id]
		if !p.holdsIntent(op, cur, live.salt) || !fsync.OnlineChanged(live.state.Resources[id], online.Resources[id]) {
			unknown = append(unknown, string(op.Action)+" "+id.String())
			continue
		}
		applied = append(applied, string(op.Action)+" "+id.String())
		switch op.Action {
		case fsync.ActionDelete:
			delete(after.Resources, id)
			delete(after.Code, id)
			continue
		case fsync.ActionCreate:
			after.Resources[id] = online.Resources[id]
		case fsync.ActionUpdate:
			sent := fsync.Op{Send: op.Fields, Code: op.Code != ""}
			after.Resources[id] = sentFields(after.Resources[id], online.Resources[id], sent)
		}
		if op.Code != "" {
			after.Code[id] = online.Code[id]
		}
	}
	if len(applied) > 0 {
		head := plumbing.NewHash(in.Head)
		tree, err := p.liveTree(after, live.salt, live.state)
		if err != nil {
			return err
		}
		changes := fsync.Diff(live.state, after)
		var body strings.Builder
		body.WriteString(fsync.Summary(changes))
		fmt.Fprintf(&body, "\ninterrupted push: %d of %d operations found applied online\n", len(applied), len(in.Ops))
		for _, a := range applied {
			fmt.Fprintf(&body, "applied: %s\n", a)
		}
		for _, u := range unknown {
			fmt.Fprintf(&body, "not applied: %s\n", u)
		}
		if in.Trailers != "" {
			body.WriteString("\n" + in.Trailers)
		}
		subject := "partial deploy " + short(head) + ": " + strings.TrimPrefix(fsync.Subject(changes), "online change: ")
		tip, err := p.commitLive(tree, []gitstate.Hash{live.tip, head}, subject+"\n\n"+body.String(), p.repo.UserSignature(), live.tip)
		if err != nil {
			return err
		}
		live.tip, live.state, live.files = tip, after, tree
		fmt.Fprintf(p.st.Err, "An interrupted push had applied %d of its %d operations; recorded them as its partial deploy (%s).\n", len(applied), len(in.Ops), short(tip))
	}
	return p.repo.RemoveGitFile(intentFile)
}

func (p *Project) isAncestor(a, b gitstate.Hash) bool {
	ok, err := p.repo.IsAncestor(a, b)
	return err == nil && ok
}
