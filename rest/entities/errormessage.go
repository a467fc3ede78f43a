package entities

// ErrorMessage is the body of every REST error response.
type ErrorMessage struct {
	ErrorCode int    `json:"error_code"`
	Message   string `json:"message"`
}
