package workflow

import (
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"

	"github.com/fcsync/fcsync/fc"
	"github.com/fcsync/fcsync/filetree"
	"github.com/fcsync/fcsync/gitstate"
	fsync "github.com/fcsync/fcsync/sync"
)

// liveState is the live branch as fcsync last recorded it.
type liveState struct {
	tip   gitstate.Hash
	state *fsync.State  // empty when the branch does not exist yet
	files filetree.Tree // the project's files at tip
	salt  string
}

func (p *Project) loadLive() (*liveState, error) {
	tip, st, files, err := p.liveTip()
	if err != nil {
		return nil, err
	}
	salt := fsync.LiveSalt(files)
	if salt == "" {
		salt = p.defaultSalt()
	}
	return &liveState{tip: tip, state: st, files: files, salt: salt}, nil
}

// defaultSalt is the salt of a new live branch's secret hashes.
func (p *Project) defaultSalt() string { return fsync.SaltFor(p.accountID(), p.cfg.Region) }

// redact returns a copy of an online state with secret values replaced by
// references and salted hashes, ready to be rendered into git. Secrets
// keep the references that the states of names hold (see
// fsync.RedactOptions): the local commit deployed, the live tip.
//
// ETags are dropped from the copy: FC sends them only with single-resource
// reads, not with lists, so recording them would make the live tree depend
// on how it was read (fetch lists, push gets) and turn every push into a
// spurious online change. lastModifiedTime records the same fact; push
// reads fresh ETags for If-Match anyway.
//
// The copy shares raw's mappings, which fsync.Redact copies where it
// changes them; raw is FC's answer (normalised as it was read), or made
// from FC's answers, and nothing changes it.
func (p *Project) redact(raw *fsync.State, salt string, names ...*fsync.State) *fsync.State {
	s := raw.ShallowCopy()
	for id, r := range s.Resources {
		c := *r
		c.ETag = ""
		s.Resources[id] = &c
	}
	fsync.Redact(s, fsync.RedactOptions{Patterns: p.cfg.SecretPatterns, Salt: salt, Names: names})
	return s
}

// admit keeps out of the live branch what cannot be recorded (Admit),
// saying so on stderr, and returns what can be, with the refusals.
func (p *Project) admit(online, prev *fsync.State) (*fsync.State, []*fsync.Refusal) {
	ok, refused := fsync.Admit(online, prev)
	for _, r := range refused {
		fmt.Fprintf(p.st.Err, "fcsync: warning: %v\n", r)
	}
	return ok, refused
}

// liveTree renders a redacted online state as the live branch's tree,
// project-relative (commitLive puts it under the project's folder); what
// the previous live state (prev, as read from its commit) holds as written
// is taken from there rather than written again.
func (p *Project) liveTree(online *fsync.State, salt string, prev *fsync.State) (filetree.Tree, error) {
	return fsync.Render(online, fsync.RenderOptions{Live: true, Salt: salt, Reuse: prev})
}

// recordOnline makes an online-change commit on the live branch when the
// online state differs from what the branch records, and returns the new
// tip (the old one when nothing changed) and the changes.
func (p *Project) recordOnline(live *liveState, online *fsync.State) (gitstate.Hash, []fsync.ResourceChange, error) {
	tree, err := p.liveTree(online, live.salt, live.state)
	if err != nil {
		return live.tip, nil, err
	}
	// By hash: the files taken from the live tip compare for free, the
	// others are hashed, and code is not read.
	if !live.tip.IsZero() && tree.Equal(live.files) {
		return live.tip, nil, nil
	}
	changes := fsync.Diff(live.state, online)
	subject, body := fsync.Subject(changes), fsync.Summary(changes)
	versions := fsync.VersionChanges(live.state, online)
	switch {
	case len(changes) == 0 && len(versions) > 0:
		subject, body = "online change: "+versions[0], strings.Join(versions, "\n")+"\n"
	case len(changes) == 0:
		// Only server-owned facts moved (a console save without a change
		// bumps lastModifiedTime): record it, and say so.
		subject, body = "online change: metadata only", touchedSummary(live.state, online)
	case len(versions) > 0:
		body += strings.Join(versions, "\n") + "\n"
	}
	if live.tip.IsZero() {
		subject = "import online state of " + p.cfg.Region
	}
	msg := subject + "\n\n" + body
	author := gitstate.Signature{
		Name:  "Function Compute",
		Email: fmt.Sprintf("fc@%s.%s", p.accountID(), p.cfg.Region),
		When:  newestModified(changes, online),
	}
	tip, err := p.commitLive(tree, []gitstate.Hash{live.tip}, msg, author, live.tip)
	if err != nil {
		return live.tip, nil, err
	}
	live.tip, live.state, live.files = tip, online, tree
	return tip, changes, nil
}

// commitLive writes a commit on the live branch of the project-relative
// tree, and moves the branch by compare-and-swap from old, so that a
// concurrent writer is detected.
func (p *Project) commitLive(tree filetree.Tree, parents []gitstate.Hash, msg string, author gitstate.Signature, old gitstate.Hash) (gitstate.Hash, error) {
	treeHash, err := p.repo.WriteTree(p.toRepo(tree))
	if err != nil {
		return gitstate.Hash{}, err
	}
	var ps []gitstate.Hash
	for _, h := range parents {
		if !h.IsZero() {
			ps = append(ps, h)
		}
	}
	commit, err := p.repo.CommitTree(treeHash, ps, msg, author, p.repo.UserSignature())
	if err != nil {
		return gitstate.Hash{}, err
	}
	if err := p.repo.UpdateRef(p.liveBranch(), commit, old); err != nil {
		return gitstate.Hash{}, fmt.Errorf("%s: %w", p.liveBranch(), err)
	}
	return commit, nil
}

// newestModified is the author date of an online-change commit: the newest
// lastModifiedTime among the changed resources (DESIGN section 3), or now
// when none is known (deletions).
func newestModified(changes []fsync.ResourceChange, online *fsync.State) time.Time {
	var newest time.Time
	for _, c := range changes {
		r := online.Resources[c.ID]
		if r == nil {
			continue
		}
		if t, err := parseFCTime(r.LastModified()); err == nil && t.After(newest) {
			newest = t
		}
	}
	if newest.IsZero() {
		return time.Now()
	}
	return newest
}

func parseFCTime(s string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.000-0700", "2006-01-02T15:04:05Z0700"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("unparsable time %q", s)
}

// describeChanges prints changes one resource per line, for fetch, pull
// and the drift report.
func describeChanges(changes []fsync.ResourceChange) string {
	s := strings.TrimRight(fsync.Summary(changes), "\n")
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ") + "\n"
}

// inScope builds the predicate of --service / --function.
func inScope(services, functions []string) func(fc.ID) bool {
	if len(services) == 0 && len(functions) == 0 {
		return nil
	}
	svc := map[string]bool{}
	for _, s := range services {
		svc[s] = true
	}
	fn := map[string]bool{}
	for _, f := range functions {
		fn[f] = true
	}
	return func(id fc.ID) bool {
		switch {
		case id.Root() == "":
			return false // account-level kinds (custom domains): only an unscoped push deploys them
		case id.API == fc.FC3:
			return fn[id.Function] // FC 3.0 names a function alone
		}
		return svc[id.Service] || id.Function != "" && fn[id.Service+"/"+id.Function]
	}
}

// touchedSummary lists the resources whose server-owned fields changed
// while their configuration did not.
func touchedSummary(before, after *fsync.State) string {
	var b strings.Builder
	for _, id := range after.IDs() {
		old := before.Resources[id]
		if old != nil && !reflect.DeepEqual(old.Status, after.Resources[id].Status) {
			fmt.Fprintf(&b, "%s: saved online without a configuration change (lastModifiedTime %s)\n", id, after.Resources[id].LastModified())
		}
	}
	return b.String()
}

// warnPlainSecrets points at secrets (by name or value rule, and private
// keys) that a project file holds in plain text: git keeps them forever,
// so say how to keep them out.
func (p *Project) warnPlainSecrets(local *fsync.State) {
	warn := func(id fc.ID, field, envName string) {
		fmt.Fprintf(p.st.Err, "fcsync: warning: %s: %s holds a secret in plain text, which git keeps forever; write %s and set %s in the environment\n",
			p.userPath(id.File()), field, fsync.SecretRef(envName), envName)
	}
	for _, id := range local.IDs() {
		spec := local.Resources[id].Spec
		vars, _ := spec["environmentVariables"].(map[string]any)
		for _, name := range sortedNames(vars) {
			v, _ := vars[name].(string)
			if _, ref := fsync.IsSecretRef(v); ref || v == "" || !fsync.IsSecret(name, v, p.cfg.SecretPatterns) {
				continue
			}
			warn(id, "environmentVariables."+name, name)
		}
		cc, _ := spec["certConfig"].(map[string]any)
		if k, _ := cc["privateKey"].(string); id.Kind == fc.KindDomain && k != "" {
			if _, ref := fsync.IsSecretRef(k); !ref {
				warn(id, fsync.PrivateKeyField, "PRIVATE_KEY")
			}
		}
	}
}

func sortedNames(m map[string]any) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
