package connect

import (
	"errors"
	"fmt"
	"strings"
)

// AtLeast accepts numbers >= min (and nil), with Java's Range message.
func AtLeast(min int64) Validator {
	return func(v any) error {
		n, ok := asInt64(v)
		if ok && n < min {
			return fmt.Errorf("Value must be at least %d", min)
		}
		return nil
	}
}

// Between accepts numbers in [min, max] (and nil).
func Between(min, max int64) Validator {
	return func(v any) error {
		n, ok := asInt64(v)
		if !ok {
			return nil
		}
		if n < min {
			return fmt.Errorf("Value must be at least %d", min)
		}
		if n > max {
			return fmt.Errorf("Value must be no more than %d", max)
		}
		return nil
	}
}

// In accepts exactly one of the given strings (Java's ValidString.in).
func In(valid ...string) Validator {
	return func(v any) error {
		s, _ := v.(string)
		for _, x := range valid {
			if s == x {
				return nil
			}
		}
		return fmt.Errorf("String must be one of: %s", strings.Join(valid, ", "))
	}
}

// InIgnoreCase accepts one of the given strings in any case (Java's
// CaseInsensitiveValidString).
func InIgnoreCase(valid ...string) Validator {
	return func(v any) error {
		s, _ := v.(string)
		for _, x := range valid {
			if strings.EqualFold(s, x) {
				return nil
			}
		}
		return fmt.Errorf("String must be one of (case insensitive): %s", strings.Join(valid, ", "))
	}
}

// NonEmptyString rejects "" (nil passes, as in Java).
func NonEmptyString() Validator {
	return func(v any) error {
		if s, ok := v.(string); ok && s == "" {
			return errors.New("String may not be empty")
		}
		return nil
	}
}

// Chain runs validators in order and returns the first error.
func Chain(vs ...Validator) Validator {
	return func(v any) error {
		for _, f := range vs {
			if err := f(v); err != nil {
				return err
			}
		}
		return nil
	}
}

func asInt64(v any) (int64, bool) {
	switch n := v.(type) {
	case int16:
		return int64(n), true
	case int32:
		return int64(n), true
	case int64:
		return n, true
	case int:
		return int64(n), true
	}
	return 0, false
}
