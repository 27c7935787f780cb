package gcpsim

import (
	"errors"
	"fmt"
)

// APIError is an error shaped like the errors of google.golang.org/api/googleapi, which the
// real provider prints verbatim: "googleapi: Error 404: <message>, <reason>".
type APIError struct {
	Code    int
	Message string
	Reason  string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("googleapi: Error %d: %s, %s", e.Code, e.Message, e.Reason)
}

// IsAPIError reports whether err is an APIError with the given reason.
func IsAPIError(err error, reason string) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.Reason == reason
}

func errNotFound(path string) error {
	return &APIError{Code: 404, Message: fmt.Sprintf("The resource '%s' was not found", path), Reason: "notFound"}
}

func errAlreadyExists(path string) error {
	return &APIError{Code: 409, Message: fmt.Sprintf("The resource '%s' already exists", path), Reason: "alreadyExists"}
}

// errInvalidField is the API's answer to a field value it refuses.
func errInvalidField(field, value, detail string) error {
	return &APIError{
		Code:    400,
		Message: fmt.Sprintf("Invalid value for field 'resource.%s': '%s'. %s", field, value, detail),
		Reason:  "invalid",
	}
}

func errInUse(noun, path, user string) error {
	return &APIError{
		Code:    400,
		Message: fmt.Sprintf("The %s resource '%s' is already being used by '%s'", noun, path, user),
		Reason:  "resourceInUseByAnotherResource",
	}
}

// errIPInUse is the API's answer to an address another resource already holds.
func errIPInUse(ip, holder string) error {
	return &APIError{Code: 409, Reason: "ipInUseByAnotherResource",
		Message: fmt.Sprintf("IP_IN_USE_BY_ANOTHER_RESOURCE - IP '%s' is already being used by another resource: '%s'.", ip, holder)}
}

func errBadRequest(reason, format string, args ...any) error {
	return &APIError{Code: 400, Message: fmt.Sprintf(format, args...), Reason: reason}
}

func errTransient() error {
	return &APIError{
		Code:    503,
		Message: "Internal error. Please try again or contact Google Support. (Code: 'gcpsim-injected')",
		Reason:  "backendError",
	}
}

func errQuota(token string) error {
	return &APIError{
		Code:    403,
		Message: fmt.Sprintf("Quota exceeded for quota metric 'gcpsim-injected' on resources of type '%s'", token),
		Reason:  "QUOTA_EXCEEDED",
	}
}
