package sync

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
)

// Action is what a push does to one resource.
type Action string

const (
	ActionCreate Action = "create"
	ActionUpdate Action = "update"
	ActionDelete Action = "delete"
)

// FieldChange is one field a push changes, for display. Secret values are
// never carried: Secret is set and Old/New stay empty.
type FieldChange struct {
	Field  string `json:"field"`
	Old    any    `json:"old,omitempty"`
	New    any    `json:"new,omitempty"`
	Secret bool   `json:"secret,omitempty"`
	// From names the environment variable a secret sent is read from.
	From string `json:"from,omitempty"`
}

// Op is one operation of a push plan. Send and Zip are what goes on the
// wire; they may hold secret values and are never printed or serialised.
type Op struct {
	Action   Action        `json:"action"`
	ID       fc.ID         `json:"-"`
	Resource string        `json:"resource"`
	Path     string        `json:"path"`
	Changes  []FieldChange `json:"changes,omitempty"`
	Code     bool          `json:"code,omitempty"`
	// Secrets are the fields whose value the op sends from the pusher's
	// environment, so the plan names every resource that receives one.
	Secrets []string       `json:"secrets,omitempty"`
	Send    map[string]any `json:"-"`
	Zip     []byte         `json:"-"`
}

// Plan is the list of operations a push applies, in apply order: creates
// and updates from services down to triggers, then deletions from
// triggers up to services (DESIGN section 5).
type Plan struct {
	Ops []Op `json:"operations"`

	// pins are the resources of a versioned kind the plan publishes (a
	// layer), each with its ARN before the push ("" when new): online,
	// a reference to one of them stands for that ARN, which the push
	// leaves behind (see Before).
	pins map[fc.ID]string
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool { return len(p.Ops) == 0 }

// Deletions returns the plan's delete operations.
func (p *Plan) Deletions() []Op {
	var out []Op
	for _, op := range p.Ops {
		if op.Action == ActionDelete {
			out = append(out, op)
		}
	}
	return out
}

// PlanInput is what MakePlan compares.
type PlanInput struct {
	Local  *State // the committed project (L1)
	Online *State // online now, NOT redacted: the values FC holds (R1)
	// Base and BaseLocal are the sync point (R and L), nil if there is none.
	// A resource is deleted online only when local removed it: R and L
	// had it and the project no longer does. One that R has but L never
	// had (made in the console, recorded by a deploy, never pulled) is
	// not local's to delete.
	Base, BaseLocal *State
	// InScope limits the plan to some resources (push --service/--function); nil means all.
	InScope func(fc.ID) bool
	// Env is what ${env:NAME} references may read (see resolve.go).
	Env RefEnv
	// Patterns are the secretPatterns; Salt is the live branch's.
	Patterns []string
	Salt     string
	// LocalFiles are the local project files, for the line of a field an
	// error is about.
	LocalFiles filetree.Tree
	// AsFiles says Online is redacted, as project files hold it (fcsync
	// diff): references and escaped literals compare as text, and nothing
	// resolves.
	AsFiles bool
}

// MakePlan computes the operations that make online match local for every
// field local manages (DESIGN section 5, step 3).
func MakePlan(in PlanInput) (*Plan, error) {
	scope := in.InScope
	if scope == nil {
		scope = func(fc.ID) bool { return true }
	}
	var upserts, deletes []Op
	// IDs come in apply order, so a resource is planned after those its
	// references name (a function after its layers).
	pins := map[fc.ID]string{}
	for _, id := range in.Local.IDs() {
		if !scope(id) {
			continue
		}
		local := in.Local.Resources[id]
		online := in.Online.Resources[id]
		var base *fc.Resource
		if in.Base != nil {
			base = in.Base.Resources[id]
		}
		res := resolution{spec: local.Spec}
		if !in.AsFiles {
			var err error
			if res, err = in.resolve(id, local, online, base); err != nil {
				return nil, err
			}
		}
		spec := res.spec
		code, hasCode := in.Local.Code[id]
		if online == nil {
			if holdsNothing(local) {
				continue // only deletions, of configs FC does not have
			}
			op := Op{Action: ActionCreate, ID: id, Send: withoutNulls(id, spec)}
			if hasCode && id.HasCode() {
				zip, err := PackZip(code)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", id, err)
				}
				op.Zip, op.Code = zip, true
			}
			op.Changes = in.displayChanges(op.Send, nil, res)
			op.Secrets = sentSecrets(op.Send, res)
			upserts = append(upserts, op)
			if id.Schema().Versioned {
				pins[id] = ""
			}
			continue
		}
		// References compare as the ARNs they stand for: online's as they
		// are now, local's as they will be after the push, a new version
		// for a resource the push publishes (the function must move to
		// it), so that "layer:shared" and the ARN of shared's newest
		// version are one value. Shown, online's keep the ARN the push
		// leaves behind (Before).
		onlineSpec := id.API.ReplaceRefs(id.Kind, online.Spec, pinned(pins))
		op := Op{Action: ActionUpdate, ID: id, Send: map[string]any{}}
		after := id.API.ReplaceRefs(id.Kind, spec, publishedOr(pins, in.Online))
		for _, field := range topLevel(ManagedDiff(after, id.API.ReplaceRefs(id.Kind, online.Spec, in.Online.ARN))) {
			v := spec[field]
			if om, ok := online.Spec[field].(map[string]any); ok && !wholeMaps[field] {
				if lm, ok := v.(map[string]any); ok {
					v = withoutWriteOnly(field, lm, Overlay(lm, om))
				}
			}
			op.Send[field] = v
		}
		op.Changes = in.displayChanges(op.Send, onlineSpec, res)
		op.Secrets = sentSecrets(op.Send, res)
		if hasCode && id.HasCode() {
			zip, differs, err := codeDiffers(code, in.Online.Code[id], online)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
			if differs {
				op.Zip, op.Code = zip, true
			}
		}
		if (len(op.Send) > 0 || op.Code) && id.Schema().Versioned {
			// A new version holds every field and the code: nothing
			// carries over from the one it replaces.
			op.Send = Overlay(spec, online.Spec)
			zip, err := PackZip(code)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", id, err)
			}
			op.Zip, op.Code = zip, true
			pins[id] = ""
			if arns := fc.ARNs(online); len(arns) > 0 {
				pins[id] = arns[0]
			}
		}
		if len(op.Send) > 0 || op.Code {
			upserts = append(upserts, op)
		}
	}
	if in.Base != nil {
		for _, id := range in.Base.IDs() {
			if !scope(id) || in.Local.Resources[id] != nil || in.Online.Resources[id] == nil {
				continue
			}
			if in.BaseLocal != nil && in.BaseLocal.Resources[id] == nil {
				continue
			}
			deletes = append(deletes, Op{Action: ActionDelete, ID: id})
		}
	}
	sort.SliceStable(deletes, func(i, j int) bool { return deletes[j].ID.Less(deletes[i].ID) })
	p := &Plan{Ops: append(upserts, deletes...), pins: pins}
	for i := range p.Ops {
		p.Ops[i].Resource = p.Ops[i].ID.String()
		p.Ops[i].Path = p.Ops[i].ID.File()
	}
	return p, nil
}

// pinned resolves references to the resources a plan publishes to the
// ARNs they had before.
func pinned(pins map[fc.ID]string) func(fc.ID) (string, bool) {
	return func(id fc.ID) (string, bool) {
		arn := pins[id]
		return arn, arn != ""
	}
}

// publishedOr resolves a reference to a resource the plan publishes to
// its version to come, which no ARN online names yet, and any other to
// its ARN in online.
func publishedOr(pins map[fc.ID]string, online *State) func(fc.ID) (string, bool) {
	return func(id fc.ID) (string, bool) {
		if _, published := pins[id]; published {
			return "the version this push publishes of " + id.String(), true
		}
		return online.ARN(id)
	}
}

// Before is online as the plan sees it: a reference to a resource the
// plan publishes anew (a function on "layer:shared" when shared gets a new
// version) shows the ARN it names now, which the push leaves behind for
// every function it does not move. fcsync diff compares Before with
// Target, so that it shows what push --dry-run plans.
func (p *Plan) Before(online *State) *State {
	if len(p.pins) == 0 {
		return online
	}
	return p.pin(online.Clone())
}

// pin replaces, in s, the references to the resources p publishes.
func (p *Plan) pin(s *State) *State {
	for id, r := range s.Resources {
		r.Spec = id.API.ReplaceRefs(id.Kind, r.Spec, pinned(p.pins))
	}
	return s
}

// codeDiffers reports whether local code must be uploaded, and returns its
// zip when it must. The files are compared when online's are known (by
// hash, for files read from git): a zip built by another tool has another
// checksum for the same files, and re-uploading those would be a change
// that changes nothing. Without them, the checksum of our deterministic zip
// decides.
func codeDiffers(local, onlineCode filetree.Tree, online *fc.Resource) (zip []byte, differs bool, err error) {
	if onlineCode != nil && local.Equal(onlineCode) {
		return nil, false, nil
	}
	if zip, err = PackZip(local); err != nil {
		return nil, false, err
	}
	if onlineCode == nil && fc.Checksum(zip) == online.CodeChecksum() {
		return nil, false, nil
	}
	return zip, true, nil
}

// topLevel reduces dotted field paths to their distinct first elements:
// FC's update replaces top-level fields, so that is the unit sent.
func topLevel(paths []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range paths {
		top, _, _ := strings.Cut(p, ".")
		if !seen[top] {
			seen[top] = true
			out = append(out, top)
		}
	}
	return out
}

// withoutWriteOnly drops from a mapping about to be sent the keys FC
// never returns (certConfig.privateKey) unless local sends them: online's
// copy of such a key is FC's blank, and sending it back would erase it.
func withoutWriteOnly(field string, local, merged map[string]any) map[string]any {
	if field != "certConfig" {
		return merged
	}
	if _, ok := local["privateKey"]; !ok {
		delete(merged, "privateKey")
	}
	return merged
}

// sentSecrets lists the fields of send whose value comes from the
// environment.
func sentSecrets(send map[string]any, res resolution) []string {
	var out []string
	for path := range res.fromEnv {
		top, _, _ := strings.Cut(path, ".")
		if _, ok := send[top]; ok {
			out = append(out, path)
		}
	}
	sort.Strings(out)
	return out
}

// displayChanges describes what an op changes, field by field, going one
// level into environmentVariables so that each variable is named. A value
// is never shown where it is a secret: by the variable's name, by a value
// rule on either side, as a private key, or as read from the environment.
func (in PlanInput) displayChanges(send, online map[string]any, res resolution) []FieldChange {
	var out []FieldChange
	keys := make([]string, 0, len(send))
	for k := range send {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		nv, ov := send[k], online[k]
		nm, nIsMap := nv.(map[string]any)
		om, _ := ov.(map[string]any)
		if !nIsMap {
			out = append(out, in.masked(FieldChange{Field: k, Old: ov, New: nv}, res))
			continue
		}
		if k != "environmentVariables" {
			// A mapping: name each changed leaf (triggerConfig.enable).
			for _, path := range fieldDiff(k, om, nm) {
				c := FieldChange{Field: path, Old: lookup(om, path[len(k)+1:]), New: lookup(nm, path[len(k)+1:])}
				out = append(out, in.masked(c, res))
			}
			continue
		}
		for _, n := range sortedKeysOfBoth(nm, om) {
			a, inOld := om[n]
			b, inNew := nm[n]
			if inOld == inNew && reflect.DeepEqual(a, b) {
				continue
			}
			out = append(out, in.masked(FieldChange{Field: k + "." + n, Old: a, New: b}, res))
		}
	}
	return out
}

// masked withholds a change's values when either is a secret.
func (in PlanInput) masked(c FieldChange, res resolution) FieldChange {
	secret := c.Field == PrivateKeyField || res.fromEnv[c.Field] != ""
	if name, ok := strings.CutPrefix(c.Field, envPrefix); ok {
		secret = secret || IsSecret(name, c.Old, in.Patterns) || IsSecret(name, c.New, in.Patterns)
	}
	for _, v := range []any{c.Old, c.New} {
		if s, ok := v.(string); ok && IsSecretValue(s) {
			secret = true
		}
	}
	if !secret {
		return c
	}
	return FieldChange{Field: c.Field, Secret: true, From: res.fromEnv[c.Field]}
}

// Text renders the plan for a terminal, one line per operation and one
// indented line per field, like a terraform plan, and then every resource
// that receives a secret from the environment.
func (p *Plan) Text() string {
	if p.Empty() {
		return "No changes: online already matches the project.\n"
	}
	var b strings.Builder
	sign := map[Action]string{ActionCreate: "+", ActionUpdate: "~", ActionDelete: "-"}
	for _, op := range p.Ops {
		fmt.Fprintf(&b, "%s %s %s\n", sign[op.Action], op.Action, op.Resource)
		for _, c := range op.Changes {
			c.Field = filetree.Quote(c.Field) // a name from a file may hold a newline
			switch {
			case c.Secret && c.From != "":
				fmt.Fprintf(&b, "    %s: (secret value from $%s)\n", c.Field, c.From)
			case c.Secret:
				fmt.Fprintf(&b, "    %s: (secret value)\n", c.Field)
			case op.Action == ActionCreate:
				fmt.Fprintf(&b, "    %s: %s\n", c.Field, FormatValue(c.New))
			default:
				fmt.Fprintf(&b, "    %s: %s -> %s\n", c.Field, FormatValue(c.Old), FormatValue(c.New))
			}
		}
		switch {
		case op.ID.Schema().Versioned && op.Action != ActionDelete:
			fmt.Fprintf(&b, "    new version: publish (code and every field)\n")
		case op.Code:
			fmt.Fprintf(&b, "    code: upload\n")
		}
	}
	first := true
	for _, op := range p.Ops {
		if len(op.Secrets) == 0 {
			continue
		}
		if first {
			b.WriteString("Secret values from the environment go to:\n")
			first = false
		}
		fmt.Fprintf(&b, "  %s: %s\n", op.Resource, strings.Join(op.Secrets, ", "))
	}
	return b.String()
}

// lookup follows a dotted path into nested mappings; nil when absent.
func lookup(m map[string]any, path string) any {
	var cur any = m
	for _, k := range strings.Split(path, ".") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[k]
	}
	return cur
}

// Target is the online state once the plan is applied: online, with each
// operation's fields, code and deletions applied. fcsync diff shows the
// difference between online and Target, so that it can never disagree
// with what push --dry-run prints and push does (DESIGN section 6).
func (p *Plan) Target(online, local *State) *State {
	out := p.pin(online.Clone())
	for _, op := range p.Ops {
		id := op.ID
		switch op.Action {
		case ActionDelete:
			delete(out.Resources, id)
			delete(out.Code, id)
			continue
		case ActionCreate:
			out.Resources[id] = &fc.Resource{ID: id, Spec: map[string]any{}}
		}
		r := *out.Resources[id]
		spec := make(map[string]any, len(r.Spec)+len(op.Send))
		for k, v := range r.Spec {
			spec[k] = v
		}
		for k, v := range op.Send {
			if v == nil {
				delete(spec, k) // a qualifier's config deleted
				continue
			}
			spec[k] = fc.Normalize(v)
		}
		r.Spec = spec
		out.Resources[id] = &r
		if holdsNothing(&r) {
			delete(out.Resources, id)
		}
		if op.Code {
			out.Code[id] = local.Code[id]
		}
	}
	return out
}

// withoutNulls drops the nulls of a PerQualifier resource being created:
// they delete configs, and it has none yet.
func withoutNulls(id fc.ID, spec map[string]any) map[string]any {
	if !id.API.IsPerQualifier(id.Kind) {
		return spec
	}
	out := make(map[string]any, len(spec))
	for k, v := range spec {
		if v != nil {
			out[k] = v
		}
	}
	return out
}
