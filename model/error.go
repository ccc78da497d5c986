package model

import (
	"errors"
	"fmt"
)

// Error codes of the application. They describe what went wrong in terms a client can
// act on; apierr.FromModel maps each to the extensions.code clients see, in one table.
const (
	ECONFLICT     = "conflict"     // a unique value is taken, or a record is still referenced
	EINTERNAL     = "internal"     // a bug or an outage; the detail is logged, never shown
	EINVALID      = "invalid"      // the input breaks a rule
	ENOTFOUND     = "not_found"    // a referenced record does not exist
	EUNAUTHORIZED = "unauthorized" // the request lacks a valid token
	EUNAVAILABLE  = "unavailable"  // the database cannot serve (its file is gone); an operator must act
)

// Error is an application error: a code, a message meant for the client, and the input
// field it concerns, if any.
type Error struct {
	Code    string
	Message string
	Field   string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an EINVALID *Error about one input field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for any other
// error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the client-facing message of err: the message of an *Error, and a
// masked one for anything else.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	return "internal error"
}
