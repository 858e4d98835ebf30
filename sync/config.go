package sync

import (
	"bytes"
	"errors"
	"fmt"
	"path"
	"regexp"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/fcsync/fcsync/fc"
)

// ConfigFile is the name of the project's configuration file, which also
// marks the project folder.
const ConfigFile = "fcsync.yaml"

// Config is fcsync.yaml (DESIGN section 2).
type Config struct {
	Region    string
	AccountID string // empty: ALIBABA_CLOUD_ACCOUNT_ID
	// API is the Function Compute the project deploys to: fc2 (the
	// default) or fc3. It chooses the table of kinds, the file layout and
	// the client's dialect.
	API fc.API
	// Services are the tracked services (FC 2.0); empty means those under
	// services/.
	Services []string
	// Functions are the tracked functions (FC 3.0); empty means those
	// under functions/.
	Functions  []string
	LiveBranch string
	// LiveRemote is the git remote the live branch is shared through: fetched
	// from before FC is read and pushed to after every live commit, so that
	// a team's clones and CI keep one history. Empty: not shared (a clone
	// still continues a remote-tracking live branch it finds on origin).
	LiveRemote string
	// SecretPatterns are globs over environment variable names (see
	// IsSecretName). Absent from the file: DefaultSecretPatterns; an
	// explicit empty list turns redaction off.
	SecretPatterns []string
	// ExtraFields are fields fcsync's table of kinds does not know, which
	// the user lets through as opaque values ("function.newField",
	// "service.logConfig.newKey"): validation neither checks nor warns
	// about them.
	ExtraFields []string
}

// DefaultLiveBranch is the live branch of a region when fcsync.yaml names none.
func DefaultLiveBranch(region string) string { return "fcsync/live/" + region }

var (
	remoteNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)
	regionRE     = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)
	accountRE    = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z-]*$`)
)

// LoadConfig parses fcsync.yaml strictly: unknown keys, wrong types and
// invalid values are *FileError values naming path and line, so a typo
// ("secretPattern") is never silently ignored. Defaults are filled in.
func LoadConfig(path string, data []byte) (*Config, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlFileError(path, err)
	}
	ferr := func(n *yaml.Node, format string, args ...any) error {
		line := 0
		if n != nil {
			line = n.Line
		}
		return &FileError{Path: path, Line: line, Err: fmt.Errorf(format, args...)}
	}
	c := &Config{}
	var top *yaml.Node
	if len(doc.Content) > 0 {
		top = doc.Content[0]
		if top.Kind != yaml.MappingNode {
			return nil, ferr(top, "must be a mapping of settings")
		}
	}
	seen := map[string]bool{}
	var patternsSet bool
	// The API first, wherever the file sets it: the other settings
	// (services or functions, extraFields) are read by its table.
	for i := 0; top != nil && i+1 < len(top.Content); i += 2 {
		if k, v := top.Content[i], top.Content[i+1]; k.Value == "api" {
			s, err := scalarString(v)
			if err == nil {
				c.API, err = fc.ParseAPI(s)
			}
			if err != nil {
				return nil, ferr(v, "api: %w", err)
			}
		}
	}
	for i := 0; top != nil && i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if seen[k.Value] {
			return nil, ferr(k, "%s is set twice", k.Value)
		}
		seen[k.Value] = true
		var err error
		switch k.Value {
		case "region":
			c.Region, err = scalarString(v)
		case "accountId":
			c.AccountID, err = scalarString(v)
		case "liveBranch":
			c.LiveBranch, err = scalarString(v)
		case "liveRemote":
			c.LiveRemote, err = scalarString(v)
		case "api":
			// Read above.
		case "services":
			c.Services, err = stringList(v)
		case "functions":
			c.Functions, err = stringList(v)
		case "extraFields":
			c.ExtraFields, err = stringList(v)
		case "secretPatterns":
			c.SecretPatterns, err = stringList(v)
			if c.SecretPatterns == nil {
				c.SecretPatterns = []string{}
			}
			patternsSet = true
		default:
			return nil, ferr(k, "unknown key %q (known: region, accountId, api, %s, liveBranch, liveRemote, secretPatterns, extraFields)", k.Value, c.API.RootsKey())
		}
		if err != nil {
			return nil, ferr(v, "%s: %w", k.Value, err)
		}
		if err := c.check(k.Value); err != nil {
			return nil, ferr(v, "%w", err)
		}
	}
	if c.Region == "" {
		return nil, ferr(top, "region is required")
	}
	if c.LiveBranch == "" {
		c.LiveBranch = DefaultLiveBranch(c.Region)
	}
	if !patternsSet {
		c.SecretPatterns = append([]string(nil), DefaultSecretPatterns...)
	}
	return c, nil
}

// check validates the setting key once it is read.
func (c *Config) check(key string) error {
	switch key {
	case "region":
		if !regionRE.MatchString(c.Region) {
			return fmt.Errorf("invalid region %q", c.Region)
		}
	case "accountId":
		if !accountRE.MatchString(c.AccountID) {
			return fmt.Errorf("invalid accountId %q", c.AccountID)
		}
	case "liveBranch":
		if !validBranch(c.LiveBranch) {
			return fmt.Errorf("invalid liveBranch %q", c.LiveBranch)
		}
	case "liveRemote":
		if !remoteNameRE.MatchString(c.LiveRemote) || strings.Contains(c.LiveRemote, "..") {
			return fmt.Errorf("invalid liveRemote %q: the name of a git remote, such as origin", c.LiveRemote)
		}
	case "services", "functions":
		if key != c.API.RootsKey() {
			return fmt.Errorf("%s: an api: %s project tracks %s", key, c.API, c.API.RootsKey())
		}
		for _, s := range c.Roots() {
			if err := c.API.ValidateName(c.API.RootKind(), s); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
		}
	case "extraFields":
		for _, f := range c.ExtraFields {
			kind, field, _ := strings.Cut(f, ".")
			if c.API.SchemaOf(fc.Kind(kind)) == nil || field == "" || strings.Contains(field, "..") || strings.HasSuffix(field, ".") {
				return fmt.Errorf("extraFields: %q is not KIND.FIELD with KIND one of service, function, trigger, domain (e.g. function.newField)", f)
			}
		}
	case "secretPatterns":
		for _, p := range c.SecretPatterns {
			if _, err := path.Match(p, ""); err != nil || p == "" {
				return fmt.Errorf("secretPatterns: invalid pattern %q", p)
			}
		}
	}
	return nil
}

// Roots are the names of the tracked resources of the API's root kind
// (services, functions); empty: every one the project holds.
func (c *Config) Roots() []string {
	if c.API == fc.FC3 {
		return c.Functions
	}
	return c.Services
}

// validBranch accepts the branch names git accepts, less the exotic ones.
func validBranch(b string) bool {
	if b == "" || strings.HasPrefix(b, "-") || strings.HasPrefix(b, "/") || strings.HasSuffix(b, "/") ||
		strings.HasSuffix(b, ".lock") || strings.HasSuffix(b, ".") || strings.Contains(b, "..") ||
		strings.Contains(b, "//") || strings.Contains(b, "@{") {
		return false
	}
	for _, r := range b {
		if r <= ' ' || r == 0x7f || strings.ContainsRune("~^:?*[\\", r) {
			return false
		}
	}
	return true
}

func scalarString(n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", errors.New("must be a single value")
	}
	// The raw text, so that accountId: 0123 keeps its leading zero.
	return n.Value, nil
}

func stringList(n *yaml.Node) ([]string, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, errors.New("must be a list")
	}
	out := make([]string, 0, len(n.Content))
	for _, e := range n.Content {
		s, err := scalarString(e)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// Marshal renders c as fcsync.yaml, the form `fcsync init` writes. The live
// branch is written only when it is not the region's default, so that a
// later change of region moves it too; the secret patterns are always
// written, so that the user sees what is protected.
func (c *Config) Marshal() []byte {
	top := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	add := func(key string, v *yaml.Node) { top.Content = append(top.Content, strNode(key), v) }
	if c.API != fc.FC2 {
		add("api", strNode(c.API.String()))
	}
	add("region", strNode(c.Region))
	if c.AccountID != "" {
		add("accountId", strNode(c.AccountID))
	}
	if roots := c.Roots(); len(roots) > 0 {
		add(c.API.RootsKey(), flowList(roots))
	}
	if c.LiveBranch != "" && c.LiveBranch != DefaultLiveBranch(c.Region) {
		add("liveBranch", strNode(c.LiveBranch))
	}
	if c.LiveRemote != "" {
		add("liveRemote", strNode(c.LiveRemote))
	}
	patterns := c.SecretPatterns
	if patterns == nil {
		// nil means "not set": write the defaults, never an empty list,
		// which would switch secret protection off.
		patterns = DefaultSecretPatterns
	}
	add("secretPatterns", flowList(patterns))
	if len(c.ExtraFields) > 0 {
		add("extraFields", flowList(c.ExtraFields))
	}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(top); err != nil {
		panic("sync: encoding fcsync.yaml: " + err.Error())
	}
	return b.Bytes()
}

func flowList(items []string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq", Style: yaml.FlowStyle}
	for _, s := range items {
		n.Content = append(n.Content, strNode(s))
	}
	return n
}
