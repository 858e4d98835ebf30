package sync

import (
	"strings"
	"testing"
)

// fn returns fnYAML with each old string replaced by its new one.
func fnWith(oldNew ...string) string {
	return strings.NewReplacer(oldNew...).Replace(fnYAML)
}

const svcYAML = "description: demo\n"

const trigYAML = `triggerType: http
triggerConfig:
  authType: anonymous
  methods:
    - GET
`

func TestMergeFields(t *testing.T) {
	t.Parallel()
	base := map[string]string{svcPath: svcYAML, fnPath: fnYAML}
	stories := []mergeStory{{
		name:        "online memory and local timeout merge cleanly, comments kept",
		base:        base,
		online:      withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 256")),
		local:       withFiles(base, fnPath, fnWith("timeout: 60", "timeout: 30")),
		wantFiles:   map[string]string{fnPath: fnWith("memorySize: 128", "memorySize: 256", "timeout: 60", "timeout: 30")},
		wantChanged: []string{"function svc/fn: memorySize 128 -> 256"},
	}, {
		name:   "same field changed differently conflicts with markers",
		base:   base,
		online: withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 512")),
		local:  withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 256")),
		wantFiles: map[string]string{fnPath: `# the HTTP entry point
runtime: python3.9
handler: index.handler
<<<<<<< HEAD
memorySize: 256 # MB
=======
memorySize: 512 # MB
>>>>>>> fcsync/live/cn-hangzhou
timeout: 60
environmentVariables:
  DB_HOST: db.internal
  # where logs go
  LOG_LEVEL: info
`},
		wantConflicts: []string{fnPath + ": memorySize: changed online and locally"},
	}, {
		name:   "same change on both sides is clean",
		base:   base,
		online: withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 256")),
		local:  withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 256 # more")),
	}, {
		name:      "field and env var added online arrive, appended at the ends of their mappings",
		base:      base,
		online:    withFiles(base, fnPath, fnYAML+"  REGION: hz\ndescription: hello\n"),
		local:     base,
		wantFiles: map[string]string{fnPath: fnYAML + "  REGION: hz\ndescription: hello\n"},
		wantChanged: []string{`function svc/fn: description (absent) -> "hello"`,
			`function svc/fn: environmentVariables.REGION (absent) -> "hz"`},
	}, {
		name:   "field the local file never had arrives from online (not managed)",
		base:   base,
		online: withFiles(base, fnPath, fnYAML+"instanceConcurrency: 10\n"),
		local:  withFiles(base, fnPath, fnWith("timeout: 60", "timeout: 30")),
		wantFiles: map[string]string{
			fnPath: fnWith("timeout: 60", "timeout: 30") + "instanceConcurrency: 10\n"},
	}, {
		name:   "env var deleted locally stays deleted when online is unchanged",
		base:   base,
		online: base,
		local:  withFiles(base, fnPath, fnWith("  DB_HOST: db.internal\n", "")),
	}, {
		name:   "env var deleted online goes, with its comment",
		base:   base,
		online: withFiles(base, fnPath, fnWith("  # where logs go\n  LOG_LEVEL: info\n", "")),
		local:  withFiles(base, fnPath, fnWith("timeout: 60", "timeout: 30")),
		wantFiles: map[string]string{
			fnPath: fnWith("timeout: 60", "timeout: 30", "  # where logs go\n  LOG_LEVEL: info\n", "")},
	}, {
		name:      "env vars added on both sides are both kept",
		base:      base,
		online:    withFiles(base, fnPath, fnYAML+"  A: a\n"),
		local:     withFiles(base, fnPath, fnYAML+"  B: b\n"),
		wantFiles: map[string]string{fnPath: fnYAML + "  B: b\n  A: a\n"},
	}, {
		name:        "trigger created online appears",
		base:        base,
		online:      withFiles(base, trigPath, trigYAML),
		local:       base,
		wantFiles:   map[string]string{trigPath: trigYAML},
		wantChanged: []string{"trigger svc/fn/http: added from online"},
	}, {
		name:   "trigger config merges key by key, lists whole",
		base:   withFiles(base, trigPath, trigYAML),
		online: withFiles(base, trigPath, strings.Replace(trigYAML, "anonymous", "function", 1)),
		local:  withFiles(base, trigPath, trigYAML+"    - POST\n"),
		wantFiles: map[string]string{
			trigPath: strings.Replace(trigYAML, "anonymous", "function", 1) + "    - POST\n"},
	}, {
		name:        "service deleted online and unchanged locally is deleted",
		base:        map[string]string{svcPath: svcYAML},
		online:      map[string]string{},
		local:       map[string]string{svcPath: svcYAML},
		wantDeleted: []string{svcPath},
	}, {
		name:   "resource created locally only is kept",
		base:   map[string]string{},
		online: map[string]string{},
		local:  base,
	}, {
		name:   "no sync point (case 3): equal fields merge, differing ones conflict",
		online: map[string]string{fnPath: fnWith("memorySize: 128", "memorySize: 512") + "description: live\n"},
		local:  map[string]string{fnPath: fnYAML},
		wantFiles: map[string]string{fnPath: `# the HTTP entry point
runtime: python3.9
handler: index.handler
<<<<<<< HEAD
memorySize: 128 # MB
=======
memorySize: 512 # MB
>>>>>>> fcsync/live/cn-hangzhou
timeout: 60
environmentVariables:
  DB_HOST: db.internal
  # where logs go
  LOG_LEVEL: info
description: live
`},
		wantConflicts: []string{fnPath + ": memorySize: differs online and locally, never synced"},
	}, {
		name:        "conflict resolved to online with no markers",
		base:        base,
		online:      withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 512")),
		local:       withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 256")),
		resolve:     ResolveOnline,
		wantFiles:   map[string]string{fnPath: fnWith("memorySize: 128", "memorySize: 512")},
		wantChanged: []string{"function svc/fn: memorySize 256 -> 512 (conflict resolved to online)"},
	}, {
		name:        "conflict resolved to local with no markers",
		base:        base,
		online:      withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 512", "timeout: 60", "timeout: 9")),
		local:       withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 256")),
		resolve:     ResolveLocal,
		wantFiles:   map[string]string{fnPath: fnWith("memorySize: 128", "memorySize: 256", "timeout: 60", "timeout: 9")},
		wantChanged: []string{"function svc/fn: memorySize kept (conflict resolved to local)", "function svc/fn: timeout 60 -> 9"},
	}, {
		name:        "unchanged inputs change nothing",
		base:        base,
		online:      base,
		local:       base,
		wantChanged: []string{},
	}}
	for _, st := range stories {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			runMergeStory(t, st)
		})
	}
}

func TestMergeResources(t *testing.T) {
	t.Parallel()
	base := map[string]string{svcPath: svcYAML, fnPath: fnYAML, codeFile: "print('hi')\n"}
	stories := []mergeStory{{
		name:          "function deleted online and changed locally conflicts, local kept",
		base:          base,
		online:        map[string]string{svcPath: svcYAML},
		local:         withFiles(base, fnPath, fnWith("timeout: 60", "timeout: 30")),
		wantFiles:     map[string]string{fnPath: fnWith("timeout: 60", "timeout: 30"), codeFile: "print('hi')\n"},
		wantConflicts: []string{fnPath + ": deleted online, changed locally"},
	}, {
		name:          "function code changed locally counts as a change against an online deletion",
		base:          base,
		online:        map[string]string{svcPath: svcYAML},
		local:         withFiles(base, codeFile, "print('bye')\n"),
		wantFiles:     map[string]string{fnPath: fnYAML, codeFile: "print('bye')\n"},
		wantConflicts: []string{fnPath + ": deleted online, changed locally"},
	}, {
		name:        "function deleted online and unchanged locally goes with its code",
		base:        base,
		online:      map[string]string{svcPath: svcYAML},
		local:       base,
		wantDeleted: []string{codeFile, fnPath},
	}, {
		name:          "function changed online and deleted locally conflicts, online version written",
		base:          base,
		online:        withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 256")),
		local:         map[string]string{svcPath: svcYAML},
		wantFiles:     map[string]string{fnPath: fnWith("memorySize: 128", "memorySize: 256"), codeFile: "print('hi')\n"},
		wantConflicts: []string{fnPath + ": changed online, deleted locally"},
	}, {
		name:        "function deleted online and changed locally, resolved to online",
		base:        base,
		online:      map[string]string{svcPath: svcYAML},
		local:       withFiles(base, fnPath, fnWith("timeout: 60", "timeout: 30")),
		resolve:     ResolveOnline,
		wantDeleted: []string{codeFile, fnPath},
		wantChanged: []string{"function svc/fn: deleted online, changed locally: resolved to online"},
	}, {
		name:        "function changed online and deleted locally, resolved to local",
		base:        base,
		online:      withFiles(base, fnPath, fnWith("memorySize: 128", "memorySize: 256")),
		local:       map[string]string{svcPath: svcYAML},
		resolve:     ResolveLocal,
		wantChanged: []string{"function svc/fn: changed online, deleted locally: resolved to local"},
	}, {
		name:   "service deleted online with a function changed locally below it conflicts as a whole",
		base:   base,
		online: map[string]string{},
		local:  withFiles(base, fnPath, fnWith("timeout: 60", "timeout: 30")),
		wantFiles: map[string]string{
			fnPath: fnWith("timeout: 60", "timeout: 30"), svcPath: svcYAML, codeFile: "print('hi')\n"},
		wantConflicts: []string{
			svcPath + ": deleted online, but function svc/fn changed locally"},
	}, {
		name:      "function deleted online with a trigger created locally below it conflicts",
		base:      base,
		online:    map[string]string{svcPath: svcYAML},
		local:     withFiles(base, trigPath, trigYAML),
		wantFiles: map[string]string{fnPath: fnYAML, codeFile: "print('hi')\n", trigPath: trigYAML},
		wantConflicts: []string{
			fnPath + ": deleted online, but trigger svc/fn/http changed locally"},
	}, {
		name:   "function deleted locally and unchanged online stays deleted",
		base:   base,
		online: base,
		local:  map[string]string{svcPath: svcYAML},
	}}
	for _, st := range stories {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			runMergeStory(t, st)
		})
	}
}

func TestMergeCode(t *testing.T) {
	t.Parallel()
	const py = "import os\n\ndef handler(event, context):\n    return 'hello'\n\n# end\n"
	const bin = "\x89PNG\x00\x01"
	base := map[string]string{svcPath: svcYAML, fnPath: fnYAML, codeFile: py}
	binPath := "services/svc/functions/fn/code/logo.png"
	overlap := `import os

def handler(event, context):
<<<<<<< HEAD
    return 'hello, local'
=======
    return 'hello, online'
>>>>>>> fcsync/live/cn-hangzhou

# end
`
	stories := []mergeStory{{
		name:        "non-overlapping text edits merge like git merge-file",
		base:        base,
		online:      withFiles(base, codeFile, strings.Replace(py, "import os", "import sys", 1)),
		local:       withFiles(base, codeFile, strings.Replace(py, "# end", "# the end", 1)),
		wantFiles:   map[string]string{codeFile: "import sys\n\ndef handler(event, context):\n    return 'hello'\n\n# the end\n"},
		wantChanged: []string{"function svc/fn: code/index.py: merged"},
	}, {
		name:          "overlapping text edits leave conflict markers",
		base:          base,
		online:        withFiles(base, codeFile, strings.Replace(py, "'hello'", "'hello, online'", 1)),
		local:         withFiles(base, codeFile, strings.Replace(py, "'hello'", "'hello, local'", 1)),
		wantFiles:     map[string]string{codeFile: overlap},
		wantConflicts: []string{codeFile + ": changed online and locally"},
	}, {
		name:    "conflicting hunk resolved to online, the local edit elsewhere kept (git -X theirs)",
		base:    base,
		online:  withFiles(base, codeFile, strings.NewReplacer("'hello'", "'hello, online'").Replace(py)),
		local:   withFiles(base, codeFile, strings.NewReplacer("'hello'", "'hello, local'", "# end", "# the end").Replace(py)),
		resolve: ResolveOnline,
		wantFiles: map[string]string{
			codeFile: strings.NewReplacer("'hello'", "'hello, online'", "# end", "# the end").Replace(py)},
		wantChanged: []string{"function svc/fn: code/index.py: changed online and locally: resolved to online"},
	}, {
		name:    "conflicting hunk resolved to local, the online edit elsewhere kept (git -X ours)",
		base:    base,
		online:  withFiles(base, codeFile, strings.NewReplacer("'hello'", "'hello, online'", "import os", "import sys").Replace(py)),
		local:   withFiles(base, codeFile, strings.NewReplacer("'hello'", "'hello, local'").Replace(py)),
		resolve: ResolveLocal,
		wantFiles: map[string]string{
			codeFile: strings.NewReplacer("'hello'", "'hello, local'", "import os", "import sys").Replace(py)},
	}, {
		name:    "a hunk that cannot be read back unambiguously resolves to the whole online file",
		base:    base,
		online:  withFiles(base, codeFile, strings.NewReplacer("'hello'", "'hello, online'").Replace(py)),
		local:   withFiles(base, codeFile, strings.NewReplacer("    return 'hello'\n", "=======\n", "# end", "# the end").Replace(py)),
		resolve: ResolveOnline,
		wantFiles: map[string]string{
			codeFile: strings.NewReplacer("'hello'", "'hello, online'").Replace(py)},
	}, {
		name:          "binary file changed on both sides conflicts, local bytes kept",
		base:          withFiles(base, binPath, bin),
		online:        withFiles(base, binPath, bin+"online"),
		local:         withFiles(base, binPath, bin+"local"),
		wantFiles:     map[string]string{binPath: bin + "local"},
		wantConflicts: []string{binPath + ": binary file changed online and locally"},
	}, {
		name:      "binary file changed online only arrives",
		base:      withFiles(base, binPath, bin),
		online:    withFiles(base, binPath, bin+"online"),
		local:     withFiles(base, binPath, bin),
		wantFiles: map[string]string{binPath: bin + "online"},
	}, {
		name:      "file added online arrives, file added locally stays",
		base:      base,
		online:    withFiles(base, "services/svc/functions/fn/code/util.py", "X = 1\n"),
		local:     withFiles(base, "services/svc/functions/fn/code/local.py", "Y = 2\n"),
		wantFiles: map[string]string{"services/svc/functions/fn/code/util.py": "X = 1\n"},
	}, {
		name:        "file deleted online and unchanged locally is deleted",
		base:        withFiles(base, binPath, bin),
		online:      base,
		local:       withFiles(base, binPath, bin),
		wantDeleted: []string{binPath},
	}, {
		name:          "file deleted online and changed locally conflicts, local kept",
		base:          base,
		online:        withFiles(base, codeFile, ""),
		local:         withFiles(base, codeFile, py+"# more\n"),
		wantFiles:     map[string]string{codeFile: py + "# more\n"},
		wantConflicts: []string{codeFile + ": deleted online, changed locally"},
	}, {
		name:          "file changed online and deleted locally conflicts, online version written",
		base:          base,
		online:        withFiles(base, codeFile, py+"# more\n"),
		local:         withFiles(base, codeFile, ""),
		wantFiles:     map[string]string{codeFile: py + "# more\n"},
		wantConflicts: []string{codeFile + ": changed online, deleted locally"},
	}, {
		name:   "no sync point (case 3): equal code merges cleanly",
		online: base,
		local:  base,
	}}
	for _, st := range stories {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			runMergeStory(t, st)
		})
	}
}
