package psc

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// problems collects validation failures so that a component reports all of them at once, each
// prefixed with the input path it is about (for example `consumers[2].connectionLimit`).
type problems struct {
	errs []error
}

// addf records a problem with the input at path.
func (p *problems) addf(path, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s", path, fmt.Sprintf(format, args...)))
}

// add records err, if any, as a problem with the input at path.
func (p *problems) add(path string, err error) {
	if err != nil {
		p.errs = append(p.errs, fmt.Errorf("%s: %w", path, err))
	}
}

// err returns nil when nothing was recorded, or every problem joined.
func (p *problems) err() error {
	return errors.Join(p.errs...)
}

// invalidInput wraps a component's validation failures so the message names the component.
func invalidInput(kind, name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("invalid %s %q:\n%w", kind, name, err)
}

// hidden returns err with every quoted occurrence of value replaced by a placeholder. Validators
// quote what they refuse; a value that reached the component as an Output (from another
// resource or stack) may be secret, so its errors say what is wrong without echoing it.
func hidden(err error, value string) error {
	if err == nil || value == "" {
		return err
	}
	return errors.New(strings.ReplaceAll(err.Error(), strconv.Quote(value), "a value that is not shown (it may be secret)"))
}
