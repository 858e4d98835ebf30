package fc

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CheckCron checks a timer trigger's cronExpression. FC accepts
// "@every <duration>" (at least one minute) and six-field cron expressions,
// seconds first ("0 0 2 * * *"), optionally prefixed with "CRON_TZ=<zone> ".
// Guess: fc-api.md names the field without its syntax; this is FC's
// documented form, and special characters beyond * , - / ? L W # are
// refused.
func CheckCron(expr string) error {
	e := strings.TrimSpace(expr)
	if rest, ok := strings.CutPrefix(e, "@every "); ok {
		d, err := time.ParseDuration(strings.TrimSpace(rest))
		if err != nil {
			return fmt.Errorf("cron expression %q: %q is not a duration such as 5m or 1h30m", expr, rest)
		}
		if d < time.Minute {
			return fmt.Errorf("cron expression %q: the interval must be at least 1m", expr)
		}
		return nil
	}
	if strings.HasPrefix(e, "CRON_TZ=") {
		_, e, _ = strings.Cut(e, " ")
	}
	fields := strings.Fields(e)
	if len(fields) != 6 {
		return fmt.Errorf("cron expression %q has %d fields; Function Compute wants 6 (seconds minutes hours day-of-month month day-of-week, e.g. \"0 0 2 * * *\") or @every 5m", expr, len(fields))
	}
	for i, f := range fields {
		if err := cronField(f, cronFields[i]); err != nil {
			return fmt.Errorf("cron expression %q: %s field %q: %v", expr, cronFields[i].name, f, err)
		}
	}
	return nil
}

type cronSpec struct {
	name     string
	min, max int
	names    []string // names standing for min, min+1, ...
}

// Guess: FC's documentation is unclear whether Sunday is 0 or 7; both are
// accepted.
var cronFields = []cronSpec{
	{name: "seconds", min: 0, max: 59},
	{name: "minutes", min: 0, max: 59},
	{name: "hours", min: 0, max: 23},
	{name: "day-of-month", min: 1, max: 31},
	{name: "month", min: 1, max: 12, names: []string{"JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"}},
	{name: "day-of-week", min: 0, max: 7, names: []string{"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"}},
}

func cronField(f string, spec cronSpec) error {
	for _, part := range strings.Split(f, ",") {
		rng, step, hasStep := strings.Cut(part, "/")
		if hasStep {
			if n, err := strconv.Atoi(step); err != nil || n < 1 {
				return fmt.Errorf("step %q is not a positive number", step)
			}
		}
		switch {
		case rng == "*" || rng == "?":
			continue
		case spec.name == "day-of-month" && (rng == "L" || strings.HasSuffix(rng, "W")):
			continue
		case spec.name == "day-of-week" && (strings.HasSuffix(rng, "L") || strings.Contains(rng, "#")):
			continue
		}
		lo, hi, isRange := strings.Cut(rng, "-")
		for _, v := range []string{lo, hi} {
			if v == "" && !(v == hi && !isRange) {
				return fmt.Errorf("%q is not a value", rng)
			}
			if v == "" {
				continue
			}
			if _, err := cronValue(v, spec); err != nil {
				return err
			}
		}
	}
	return nil
}

func cronValue(v string, spec cronSpec) (int, error) {
	for i, name := range spec.names {
		if strings.EqualFold(v, name) {
			return spec.min + i, nil
		}
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < spec.min || n > spec.max {
		return 0, fmt.Errorf("%q is not a value from %d to %d", v, spec.min, spec.max)
	}
	return n, nil
}
