package workflow

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	gosync "sync"

	"github.com/fcsync/fcsync/fc"
	fsync "github.com/fcsync/fcsync/sync"
)

// appliedOp is an operation that FC acknowledged, with the resource as
// FC reported it afterwards (nil for a deletion).
type appliedOp struct {
	op     fsync.Op
	result *fc.Resource
}

// apply runs the plan against FC (DESIGN section 5, step 4): creates and
// updates level by level from services down, deletions from triggers up,
// the operations of one level in parallel up to --concurrency. Every update
// and delete carries If-Match with the ETag read in step 1, so an online
// edit made since then fails with 412 instead of being overwritten. After
// the first failure no new operation starts; what was applied is returned
// with the error.
func (p *Project) apply(ctx context.Context, plan *fsync.Plan, online *fsync.State) ([]appliedOp, error) {
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	var applied []appliedOp
	var mu gosync.Mutex
	p.progress.begin("Deploying", "operations", len(plan.Ops))
	defer p.progress.end()
	arns := online.ARN
	for _, level := range levels(p.cfg.API, plan) {
		done := len(applied)
		err := parallel(ctx, p.concurrency, len(level), func(i int) error {
			op := level[i]
			etag := ""
			if r := online.Resources[op.ID]; r != nil {
				etag = r.ETag
			}
			// References go out as the ARNs they stand for now, a layer
			// published by an earlier level of this push included.
			send := op.ID.API.ReplaceRefs(op.ID.Kind, op.Send, arns)
			if refs := op.ID.API.Refs(op.ID.Kind, send); len(refs) > 0 {
				return fmt.Errorf("%s: %s: %s is not online", op.ID, fc.PathString(refs[0].Path), refs[0].Target)
			}
			if err := recheckBeforeWrite(ctx, client, op, online.Resources[op.ID]); err != nil {
				return err
			}
			var result *fc.Resource
			var err error
			switch op.Action {
			case fsync.ActionCreate:
				result, err = client.Create(ctx, op.ID, send, op.Zip)
			case fsync.ActionUpdate:
				result, err = client.UpdateFrom(ctx, op.ID, online.Resources[op.ID], send, op.Zip, etag)
			case fsync.ActionDelete:
				err = client.Delete(ctx, op.ID, etag)
			}
			var part *fc.PartialWrite
			if errors.As(err, &part) {
				// FC acknowledged some of its configs before failing:
				// those are deployed, not someone else's change.
				mu.Lock()
				applied = append(applied, appliedOp{op: partOf(op, part.Done), result: part.Result})
				mu.Unlock()
			}
			if err != nil {
				return err
			}
			// The lock also serialises the progress line: p.st.Out is shared
			// by the parallel operations and need not be safe for that.
			mu.Lock()
			defer mu.Unlock()
			applied = append(applied, appliedOp{op: op, result: result})
			fmt.Fprintf(p.st.Out, "  %s %s: done\n", op.Action, op.ID)
			p.progress.step(1, int64(len(op.Zip)))
			return nil
		})
		if err != nil {
			return applied, err
		}
		for _, a := range applied[done:] {
			if a.result != nil {
				if own := fc.ARNs(a.result); len(own) > 0 {
					arns = withARN(arns, a.op.ID, own[0])
				}
			}
		}
	}
	return applied, nil
}

// partOf is op restricted to the fields FC acknowledged (a part of the
// qualifiers of a per-qualifier write).
func partOf(op fsync.Op, fields []string) fsync.Op {
	out := op
	out.Send = make(map[string]any, len(fields))
	for _, f := range fields {
		if v, ok := op.Send[f]; ok {
			out.Send[f] = v
		}
	}
	return out
}

// rest is the part of op that the acknowledged part done did not write.
func rest(op, done fsync.Op) fsync.Op {
	out := op
	out.Send = map[string]any{}
	for f, v := range op.Send {
		if _, ok := done.Send[f]; !ok {
			out.Send[f] = v
		}
	}
	return out
}

// partNote names the fields of an op that is part of a planned one, for
// the partial deploy's message: " (prod)".
func partNote(op fsync.Op, plan *fsync.Plan) string {
	for _, p := range plan.Ops {
		if p.ID == op.ID && len(op.Send) < len(p.Send) {
			var fs []string
			for f := range op.Send {
				fs = append(fs, f)
			}
			sort.Strings(fs)
			return " (" + strings.Join(fs, ", ") + ")"
		}
	}
	return ""
}

// withARN is arns with id's ARN now arn (a layer's new version).
func withARN(arns func(fc.ID) (string, bool), id fc.ID, arn string) func(fc.ID) (string, bool) {
	return func(ref fc.ID) (string, bool) {
		if ref == id {
			return arn, true
		}
		return arns(ref)
	}
}

// levels splits the plan's operations into groups that may run in
// parallel: one group per kind for creates and updates, in the apply order
// of the table of kinds, then deletions in reverse order.
func levels(api fc.API, plan *fsync.Plan) [][]fsync.Op {
	order := api.Kinds()
	var out [][]fsync.Op
	for _, k := range order {
		var g []fsync.Op
		for _, op := range plan.Ops {
			if op.Action != fsync.ActionDelete && op.ID.Kind == k {
				g = append(g, op)
			}
		}
		if len(g) > 0 {
			out = append(out, g)
		}
	}
	for i := len(order) - 1; i >= 0; i-- {
		var g []fsync.Op
		for _, op := range plan.Ops {
			if op.Action == fsync.ActionDelete && op.ID.Kind == order[i] {
				g = append(g, op)
			}
		}
		if len(g) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// applyResults is the online state after the applied operations: for
// each update, the fields it sent as FC answered them and everything else
// as read before the push; what FC answered for each create; the local
// code for uploaded code; nothing for deletions. A write whose answer was
// lost is confirmed by reading the resource back, and that reading may
// hold someone else's edit made meanwhile: it must not pass for part of
// the deploy, so only what the push sent is taken from it (DESIGN section
// 5). The next fetch records the rest as an online change.
func applyResults(before, local *fsync.State, applied []appliedOp) *fsync.State {
	// References are compared as the ARNs they stand for before the push,
	// and named again after it: a function left on a layer's version the
	// push replaced now names that version by ARN.
	after := before.ResolveRefs()
	for _, a := range applied {
		id := a.op.ID
		switch a.op.Action {
		case fsync.ActionDelete:
			delete(after.Resources, id)
			delete(after.Code, id)
			continue
		case fsync.ActionCreate:
			after.Resources[id] = withWrittenKey(a.result, a.op)
			if id.Kind == id.API.RootKind() && after.Resources[id] != nil {
				// A new service (FC 3.0: function) has published no version yet.
				r := *after.Resources[id]
				r.Status = copyStatus(r.Status)
				r.Status[fsync.VersionsField] = []any{}
				after.Resources[id] = &r
			}
		case fsync.ActionUpdate:
			after.Resources[id] = sentFields(after.Resources[id], withWrittenKey(a.result, a.op), a.op)
		}
		if r := after.Resources[id]; r != nil && id.API.IsPerQualifier(id.Kind) && len(r.Spec) == 0 {
			// Its last config deleted: FC lists nothing for the function.
			delete(after.Resources, id)
			continue
		}
		if a.op.Code {
			after.Code[id] = local.Code[id]
		}
	}
	after.NameRefs()
	return after
}

// sentFields is prev with the fields an update sent taken from result.
// The code facts stay prev's unless the update uploaded code.
func sentFields(prev, result *fc.Resource, op fsync.Op) *fc.Resource {
	if prev == nil || result == nil {
		return result
	}
	r := *result
	r.Spec = make(map[string]any, len(prev.Spec))
	for k, v := range prev.Spec {
		r.Spec[k] = v
	}
	for k := range op.Send {
		if v, ok := result.Spec[k]; ok {
			r.Spec[k] = v
		} else {
			delete(r.Spec, k)
		}
	}
	r.Status = make(map[string]any, len(result.Status))
	for k, v := range result.Status {
		r.Status[k] = v
	}
	// A write answers with the resource, not with what the walk reads
	// beside it (a service's versions): those stay as read.
	if v, ok := prev.Status[fsync.VersionsField]; ok {
		r.Status[fsync.VersionsField] = v
	}
	if !op.Code {
		for _, k := range []string{"codeChecksum", "codeSize"} {
			if v, ok := prev.Status[k]; ok {
				r.Status[k] = v
			} else {
				delete(r.Status, k)
			}
		}
	}
	return &r
}

func copyStatus(m map[string]any) map[string]any {
	out := make(map[string]any, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// withWrittenKey puts back into FC's answer a private key the op sent: FC
// blanks it on every read, but it holds what it was given, and the deploy
// commit records its hash so that the next push knows it is deployed.
func withWrittenKey(r *fc.Resource, op fsync.Op) *fc.Resource {
	sent, _ := op.Send["certConfig"].(map[string]any)
	key, ok := sent["privateKey"].(string)
	if r == nil || !ok {
		return r
	}
	cc, _ := r.Spec["certConfig"].(map[string]any)
	if cc == nil {
		return r
	}
	out := *r
	out.Spec = make(map[string]any, len(r.Spec))
	for k, v := range r.Spec {
		out.Spec[k] = v
	}
	c := make(map[string]any, len(cc))
	for k, v := range cc {
		c[k] = v
	}
	c["privateKey"] = key
	out.Spec["certConfig"] = c
	return &out
}

// withETags returns online with a fresh ETag on every resource the plan
// updates or deletes: one Get each, for those only, since lists carry no
// ETags and a no-op push must cost no more than a fetch. The Get must find
// the resource as it was listed (same lastModifiedTime): one changed in
// between was changed online during the push, and is refused as the 412
// that If-Match would give, before anything is written.
func (p *Project) withETags(ctx context.Context, plan *fsync.Plan, online *fsync.State) (*fsync.State, error) {
	client, err := p.client()
	if err != nil {
		return nil, err
	}
	out := &fsync.State{Resources: make(map[fc.ID]*fc.Resource, len(online.Resources)), Code: online.Code}
	for id, r := range online.Resources {
		out.Resources[id] = r
	}
	var ops []fsync.Op
	for _, op := range plan.Ops {
		if op.Action != fsync.ActionCreate && op.ID.Schema().ETag && writesItself(op) {
			ops = append(ops, op)
		}
	}
	var mu gosync.Mutex
	err = parallel(ctx, p.concurrency, len(ops), func(i int) error {
		id := ops[i].ID
		listed := online.Resources[id]
		got, err := recheck(ctx, client, ops[i], listed, "nothing was written")
		if err != nil {
			return err
		}
		r := *listed
		r.ETag = got.ETag
		mu.Lock()
		out.Resources[id] = &r
		mu.Unlock()
		return nil
	})
	return out, err
}

// recheck reads the resource an op updates or deletes again and refuses
// (exit 3) when it is no longer what was listed: changed or deleted online
// since. A 404 for a resource the list holds proves no deletion.
func recheck(ctx context.Context, client *fc.Client, op fsync.Op, listed *fc.Resource, outcome string) (*fc.Resource, error) {
	fields := touched(op, listed)
	got, err := client.GetFields(ctx, op.ID, fields)
	if errors.Is(err, fc.ErrNotFound) && listed != nil {
		return nil, inconsistent(op.ID, err)
	}
	if errors.Is(err, fc.ErrNotFound) || err == nil && listed != nil && movedSince(listed, got, fields) {
		return nil, withCode(ExitDrift, fmt.Errorf("%s changed online during the push; %s: run fcsync pull, then push again", op.ID, outcome))
	}
	return got, err
}

// recheckBeforeWrite is FC 3.0's stand-in for If-Match, which its API
// does not have (fc3-api.md 1.6): each resource push updates or deletes is
// read again immediately before its write, and one that changed since it
// was listed is not written. The write itself is then checked (the
// client's update answer must hold what was sent). What remains is the
// window between this read and the write, a round trip: a console edit
// landing inside it is overwritten, as it would be with no check at all,
// and the next fetch shows the result as the online state it is.
func recheckBeforeWrite(ctx context.Context, client *fc.Client, op fsync.Op, listed *fc.Resource) error {
	if op.Action == fsync.ActionCreate || op.ID.API.HasETags() || !writesItself(op) {
		return nil
	}
	_, err := recheck(ctx, client, op, listed, "it was not written")
	return err
}

// touched names the fields an op writes: those it sends, or, for a
// deletion, every field online holds. The Get for the ETag reads those of a
// kind that FC reads piecewise (one qualifier's config at a time).
func touched(op fsync.Op, listed *fc.Resource) []string {
	var out []string
	for k := range op.Send {
		out = append(out, k)
	}
	if op.Action == fsync.ActionDelete && listed != nil {
		for k := range listed.Spec {
			out = append(out, k)
		}
	}
	return out
}

// movedSince reports whether a resource read again for its ETag is no
// longer what was listed: its lastModifiedTime moved, or, for resources
// that have none (per-qualifier configs), one of the fields read differs.
func movedSince(listed, got *fc.Resource, fields []string) bool {
	if listed.LastModified() != "" || got.LastModified() != "" {
		return got.LastModified() != listed.LastModified()
	}
	for _, f := range fields {
		if !reflect.DeepEqual(listed.Spec[f], got.Spec[f]) {
			return true
		}
	}
	return false
}

// writesItself reports whether an op writes the resource itself, with
// If-Match, rather than only its attached fields (a service's tags),
// which have calls of their own and no ETag.
func writesItself(op fsync.Op) bool {
	if op.Action == fsync.ActionDelete || op.Code {
		return true
	}
	for field := range op.Send {
		if !op.ID.API.IsAttached(op.ID.Kind, field) {
			return true
		}
	}
	return false
}

// endpoints lists the addresses a state's HTTP triggers and custom
// domains answer on, one "resource: URL" line each, in resource order.
func endpoints(s *fsync.State) []string {
	var out []string
	for _, id := range s.IDs() {
		r := s.Resources[id]
		switch id.Kind {
		case fc.KindTrigger:
			if u, _ := r.Status["urlInternet"].(string); u != "" {
				out = append(out, id.String()+": "+u)
			}
			if u, _ := r.Status["urlIntranet"].(string); u != "" && u != r.Status["urlInternet"] {
				out = append(out, id.String()+": "+u+" (intranet)")
			}
		case fc.KindDomain:
			proto, _ := r.Spec["protocol"].(string) // "HTTP" or "HTTP,HTTPS"
			if proto == "" {
				proto = "HTTP"
			}
			for _, scheme := range strings.Split(proto, ",") {
				out = append(out, id.String()+": "+strings.ToLower(strings.TrimSpace(scheme))+"://"+id.Name)
			}
		}
	}
	return out
}
