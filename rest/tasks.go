package rest

import (
	"net/http"

	"github.com/ferrykafka/ferry/rest/entities"
)

// A connector's tasks (Java's ConnectorsResource getTaskConfigs,
// getTaskStatus and restartTask). GET /connectors/{c}/tasks/{t}/... with a
// {t} that is not a Java int answers 404 (see taskIDVar).

// getTaskConfigs: GET /connectors/{connector}/tasks, the committed tasks
// with their configs.
func (s *Server) getTaskConfigs(r *http.Request) (reply, error) {
	tasks, err := s.herderFor(r).TaskConfigs(r.Context(), pathVar(r, "connector"))
	if err != nil {
		return reply{}, err
	}
	if tasks == nil {
		tasks = []entities.TaskInfo{}
	}
	return reply{status: http.StatusOK, body: tasks}, nil
}

// getTaskStatus: GET /connectors/{connector}/tasks/{task}/status, one
// task's state from the status topic.
func (s *Server) getTaskStatus(r *http.Request) (reply, error) {
	id, err := taskIDVar(r)
	if err != nil {
		return reply{}, err
	}
	state, err := s.herderFor(r).TaskStatus(r.Context(), id)
	if err != nil {
		return reply{}, err
	}
	return reply{status: http.StatusOK, body: state}, nil
}

// restartTask: POST /connectors/{connector}/tasks/{task}/restart, run by
// the worker that owns the task (forwarded there). 204 without a body.
func (s *Server) restartTask(r *http.Request) (reply, error) {
	id, err := taskIDVar(r)
	if err != nil {
		return reply{}, err
	}
	if err := s.herderFor(r).RestartTask(r.Context(), id); err != nil {
		return s.completeOrForward(r, nil, err)
	}
	return reply{status: http.StatusNoContent}, nil
}
