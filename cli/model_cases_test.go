package cli_test

import (
	"strings"
	"testing"
)

// TestModelCases replays the shortest step lists TestModel -shrink found
// on the code of issue 7 (each broke an invariant there), so that they stay
// fixed whatever the random seeds happen to draw. The steps run through the
// same model and checks as TestModel, on an FC 2.0 and an FC 3.0 project.
func TestModelCases(t *testing.T) {
	pull := func(choices int64) step { return step{Op: "pull", Seed: choices} }
	cases := []struct {
		name, why string
		steps     []step
	}{
		{"pull_twice_keeps_local_code", "issue 7.1: the second pull dropped local line 4", []step{
			{Op: "c-field", Fn: "f2", Key: "timeout", Val: "3"},
			{Op: "l-code", Fn: "f2", Line: 4, Val: "L4"},
			pull(1),
			{Op: "c-code", Fn: "f2", Line: 1, Val: "c5"},
			pull(1),
		}},
		{"pull_twice_conflicts_on_local_field", "issue 7.1: timeout 30 local vs 60 online merged to 60", []step{
			{Op: "c-delete", Fn: "f2"},
			{Op: "l-field", Fn: "f1", Key: "timeout", Val: "30"},
			pull(1),
			{Op: "c-field", Fn: "f1", Key: "timeout", Val: "60"},
			pull(1),
		}},
		{"never_synced_after_pull_conflicts", "issue 7.2: a local f3 was replaced by the console's", []step{
			{Op: "c-code", Fn: "f1", Line: 3, Val: "c1"},
			{Op: "l-create", Fn: "f3", Key: "256"},
			pull(1),
			{Op: "c-create", Fn: "f3", Key: "1024", Val: "c2"},
			pull(1),
		}},
		{"use_local_then_online_edit_conflicts", "issue 7.3: after pull --use-local kept timeout 30, online's next timeout must conflict", []step{
			{Op: "l-field", Fn: "f1", Key: "timeout", Val: "30"},
			{Op: "c-field", Fn: "f1", Key: "timeout", Val: "60"},
			{Op: "pull", Key: "--use-local"},
			{Op: "c-field", Fn: "f1", Key: "timeout", Val: "3"},
			pull(1),
		}},
		{"deleted_online_with_local_edits_conflicts", "issue 7.4: f2 was deleted with an undeployed local line", []step{
			{Op: "c-field", Fn: "f2", Key: "timeout", Val: "30"},
			{Op: "l-code", Fn: "f2", Line: 3, Val: "L5"},
			pull(1),
			{Op: "c-delete", Fn: "f2"},
			pull(1),
		}},
		{"local_function_deletion_survives_pull", "issue 7.5: status said 3, the deletion forgotten", []step{
			{Op: "l-delete", Fn: "f1"},
			{Op: "c-code", Fn: "f2", Line: 4, Val: "c11"},
			pull(1),
			{Op: "push"},
			pull(1),
		}},
		{"local_trigger_deletion_survives_pull", "issue 7.5: status said 3 for a trigger deleted locally", []step{
			{Op: "l-delete-trigger", Fn: "f1", Key: "t1"},
			{Op: "c-code", Fn: "f1", Line: 2, Val: "c2"},
			pull(1),
			{Op: "push"},
			pull(1),
		}},
		{"trigger_added_to_locally_deleted_function_conflicts", "issue 7.6: pull committed a trigger without its function", []step{
			{Op: "l-delete", Fn: "f2"},
			{Op: "c-add-trigger", Fn: "f2", Key: "t1", Val: "@every 1m"},
			pull(1),
		}},
		{"scoped_push_moves_the_sync_point_of_triggers_it_deletes", "push --function deleted f1's trigger; status then called it deleted online (exit 3)", []step{
			{Op: "l-delete", Fn: "f1"},
			{Op: "l-create", Fn: "f1", Key: "128"},
			{Op: "push", Fn: "f1"},
			{Op: "push"},
		}},
		{"unscoped_push_moves_the_sync_point_of_triggers_it_deletes", "the same without --function, for contrast", []step{
			{Op: "l-delete", Fn: "f1"},
			{Op: "l-create", Fn: "f1", Key: "128"},
			{Op: "push"},
			{Op: "push"},
		}},
		{"console_function_recorded_by_a_deploy_is_still_case_3", "f3 made in the console, recorded by a push --use-local of f2, never pulled; a local f3 must not overwrite it without --use-local", []step{
			{Op: "c-create", Fn: "f3", Key: "128", Val: "c67"},
			{Op: "l-code", Fn: "f2", Line: 5, Val: "L70"},
			{Op: "push", UseLocal: true},
			{Op: "l-create", Fn: "f3", Key: "1024"},
			{Op: "push"},
			pull(1),
		}},
		{"pull_after_scoped_push_merges_online_changes_elsewhere", "push --function s/f1 left f2's console edit unmerged, as it should; then pull must merge it", []step{
			{Op: "l-field", Fn: "f1", Key: "timeout", Val: "30"},
			{Op: "c-field", Fn: "f2", Key: "memorySize", Val: "1024"},
			{Op: "push", Fn: "f1"},
			pull(1),
			{Op: "push"},
		}},
		{"pull_after_scoped_push_merges_a_deletion_both_sides_made", "f2 deleted locally and in the console, push --function s/f1: pull said up to date, the drift stayed and push refused until --use-local (soak seed 14)", []step{
			{Op: "l-delete", Fn: "f2"},
			{Op: "c-delete", Fn: "f2"},
			{Op: "l-field", Fn: "f1", Key: "timeout", Val: "30"},
			{Op: "push", Fn: "f1"},
			pull(1),
			{Op: "push"},
		}},
		{"pull_after_scoped_push_merges_an_edit_both_sides_made", "the same with timeout 30 set locally and in the console (soak seed 16)", []step{
			{Op: "l-field", Fn: "f2", Key: "timeout", Val: "30"},
			{Op: "c-field", Fn: "f2", Key: "timeout", Val: "30"},
			{Op: "l-field", Fn: "f1", Key: "description", Val: "beta"},
			{Op: "push", Fn: "f1"},
			pull(1),
			{Op: "push"},
		}},
		{"kept_then_deleted_locally_imports_online_function", "local changes against R: f2, absent from R, is created online and merges in", []step{
			{Op: "c-delete", Fn: "f2"},
			{Op: "l-code", Fn: "f2", Line: 2, Val: "L16"},
			pull(314283580860433726), // conflict; keeps ours
			{Op: "c-create", Fn: "f2", Key: "1024", Val: "c20"},
			{Op: "l-delete", Fn: "f2"},
			pull(1),
		}},
	}
	setModelEnv(t)
	for _, api := range []modelAPI{modelFC2, modelFC3} {
		for _, c := range cases {
			t.Run(api.short+"/"+c.name, func(t *testing.T) {
				var stats modelStats
				m := newModelRun(t, api, 0, &stats)
				if fail := m.runList(c.steps); fail != nil {
					t.Fatalf("%s\n%s", c.why, fail.report(api.name, 0, m.log))
				}
				if stats.skipped > 0 {
					t.Fatalf("%d steps had no target, so the case no longer tests what it says:\n%s", stats.skipped, strings.Join(m.log, "\n"))
				}
			})
		}
	}
}
