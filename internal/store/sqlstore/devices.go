package sqlstore

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/switchboard/switchboard/internal/store"
)

// Access devices and call centers.

func deviceName(spID, groupID, name string) string {
	return fmt.Sprintf("device %q of %s", name, level(spID, groupID))
}

const deviceCols = "sp_id, group_id, name, type, profile FROM devices"

func scanDevice(r interface{ Scan(...any) error }) (store.Device, error) {
	var d store.Device
	var profile string
	if err := r.Scan(&d.SPID, &d.GroupID, &d.Name, &d.Type, &profile); err != nil {
		return d, err
	}
	return d, fromJSON(profile, &d.Profile)
}

func (t *tx) InsertDevice(d store.Device) error {
	what := deviceName(d.SPID, d.GroupID, d.Name)
	profile, err := toJSON(what, d.Profile)
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.insert(what, "INSERT INTO devices (sp_id, group_id, name, type, profile) VALUES ($1, $2, $3, $4, $5)",
			d.SPID, d.GroupID, d.Name, d.Type, profile)
	})
}

func (t *tx) GetDevice(spID, groupID, name string) (store.Device, error) {
	d, err := scanDevice(t.q.QueryRowContext(t.ctx, "SELECT "+deviceCols+" WHERE sp_id = $1 AND group_id = $2 AND name = $3",
		spID, groupID, name))
	return d, rowErr(deviceName(spID, groupID, name), err)
}

func (t *tx) UpdateDevice(d store.Device) error {
	what := deviceName(d.SPID, d.GroupID, d.Name)
	profile, err := toJSON(what, d.Profile)
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.change(what, "UPDATE devices SET type = $4, profile = $5 WHERE sp_id = $1 AND group_id = $2 AND name = $3",
			d.SPID, d.GroupID, d.Name, d.Type, profile)
	})
}

func (t *tx) DeleteDevice(spID, groupID, name string) error {
	return t.write(false, func() error {
		return t.change(deviceName(spID, groupID, name),
			"DELETE FROM devices WHERE sp_id = $1 AND group_id = $2 AND name = $3", spID, groupID, name)
	})
}

// ListDevices lists the devices of one level (groupID "": the service
// provider's own) by name.
func (t *tx) ListDevices(spID, groupID string, fn func(store.Device) bool) error {
	var f filter
	f.eq("sp_id", spID)
	f.eq("group_id", groupID)
	return walk(t, "devices", deviceCols, f, []string{"name"},
		func(r *sql.Rows) (store.Device, []any, error) {
			d, err := scanDevice(r)
			return d, []any{d.Name}, err
		}, fn)
}

func centerName(id string) string { return fmt.Sprintf("call center %q", id) }

const centerCols = "service_user_id, sp_id, group_id, type, policy, active, enable_video, queue_length, profile FROM call_centers"

func scanCenter(r interface{ Scan(...any) error }) (store.CallCenter, error) {
	var c store.CallCenter
	var queue int64
	var profile string
	if err := r.Scan(&c.ServiceUserID, &c.SPID, &c.GroupID, &c.Type, &c.Policy, &c.Active, &c.EnableVideo, &queue, &profile); err != nil {
		return c, err
	}
	c.QueueLength = int(queue)
	return c, fromJSON(profile, &c.Profile)
}

func (t *tx) InsertCallCenter(c store.CallCenter) error {
	what := centerName(c.ServiceUserID)
	profile, err := toJSON(what, c.Profile)
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.insert(what, `INSERT INTO call_centers (service_user_id, sp_id, group_id, type, policy, active,
			enable_video, queue_length, profile) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			c.ServiceUserID, c.SPID, c.GroupID, c.Type, c.Policy, c.Active, c.EnableVideo, c.QueueLength, profile)
	})
}

func (t *tx) GetCallCenter(serviceUserID string) (store.CallCenter, error) {
	c, err := scanCenter(t.q.QueryRowContext(t.ctx, "SELECT "+centerCols+" WHERE service_user_id = $1", serviceUserID))
	return c, rowErr(centerName(serviceUserID), err)
}

func (t *tx) UpdateCallCenter(c store.CallCenter) error {
	what := centerName(c.ServiceUserID)
	profile, err := toJSON(what, c.Profile)
	if err != nil {
		return err
	}
	return t.write(false, func() error {
		return t.change(what, `UPDATE call_centers SET sp_id = $2, group_id = $3, type = $4, policy = $5,
			active = $6, enable_video = $7, queue_length = $8, profile = $9 WHERE service_user_id = $1`,
			c.ServiceUserID, c.SPID, c.GroupID, c.Type, c.Policy, c.Active, c.EnableVideo, c.QueueLength, profile)
	})
}

// DeleteCallCenter removes the center with its agent and supervisor
// lists; its virtual user is a User the caller deletes.
func (t *tx) DeleteCallCenter(serviceUserID string) error {
	what := centerName(serviceUserID)
	return t.write(true, func() error {
		if err := t.change(what, "DELETE FROM call_centers WHERE service_user_id = $1", serviceUserID); err != nil {
			return err
		}
		if _, err := t.exec(what, "DELETE FROM call_center_agents WHERE service_user_id = $1", serviceUserID); err != nil {
			return err
		}
		_, err := t.exec(what, "DELETE FROM call_center_supervisors WHERE service_user_id = $1", serviceUserID)
		return err
	})
}

// ListCallCenters lists centers by service user id: groupID "" those of
// every group of spID, spID "" every center.
func (t *tx) ListCallCenters(spID, groupID string, fn func(store.CallCenter) bool) error {
	var f filter
	if spID != "" {
		f.eq("sp_id", spID)
	}
	if groupID != "" {
		f.eq("group_id", groupID)
	}
	return walk(t, "call centers", centerCols, f, []string{"service_user_id"},
		func(r *sql.Rows) (store.CallCenter, []any, error) {
			c, err := scanCenter(r)
			return c, []any{c.ServiceUserID}, err
		}, fn)
}

// centerExists returns store.ErrNotFound for an unknown center.
func (t *tx) centerExists(serviceUserID string) error {
	var one int
	return t.get(centerName(serviceUserID), "SELECT 1 FROM call_centers WHERE service_user_id = $1",
		[]any{serviceUserID}, &one)
}

// SetAgents stores agents in slice order (Position becomes the index);
// an agent already on the list keeps its stored Joined flag, a new one
// takes the flag given.
func (t *tx) SetAgents(serviceUserID string, agents []store.Agent) error {
	what := "agents of " + centerName(serviceUserID)
	return t.write(true, func() error {
		if err := t.centerExists(serviceUserID); err != nil {
			return err
		}
		old, err := t.ListAgents(serviceUserID)
		if err != nil {
			return err
		}
		joined := make(map[string]bool, len(old))
		for _, a := range old {
			joined[a.AgentUserID] = a.Joined
		}
		if _, err := t.exec(what, "DELETE FROM call_center_agents WHERE service_user_id = $1", serviceUserID); err != nil {
			return err
		}
		for i, a := range agents {
			j, ok := joined[a.AgentUserID]
			if !ok {
				j = a.Joined
			}
			if err := t.insert(fmt.Sprintf("agent %q of %s", a.AgentUserID, centerName(serviceUserID)),
				`INSERT INTO call_center_agents (service_user_id, agent_user_id, position, skill_level, weight, joined)
				VALUES ($1, $2, $3, $4, $5, $6)`, serviceUserID, a.AgentUserID, i, a.SkillLevel, a.Weight, j); err != nil {
				return err
			}
		}
		return nil
	})
}

const agentCols = "service_user_id, agent_user_id, position, skill_level, weight, joined FROM call_center_agents"

func (t *tx) agents(what, query string, arg string) ([]store.Agent, error) {
	rows, err := t.q.QueryContext(t.ctx, "SELECT "+agentCols+query, arg)
	if err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	defer rows.Close()
	var out []store.Agent
	for rows.Next() {
		var a store.Agent
		var pos, skill, weight int64
		if err := rows.Scan(&a.ServiceUserID, &a.AgentUserID, &pos, &skill, &weight, &a.Joined); err != nil {
			return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
		}
		a.Position, a.SkillLevel, a.Weight = int(pos), int(skill), int(weight)
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlstore: %s: %w", what, err)
	}
	return out, nil
}

// ListAgents returns the center's agents in list order (none for an
// unknown center).
func (t *tx) ListAgents(serviceUserID string) ([]store.Agent, error) {
	return t.agents("agents of "+centerName(serviceUserID), " WHERE service_user_id = $1 ORDER BY position", serviceUserID)
}

// ListAgentCenters returns the user's agent entries by center id.
func (t *tx) ListAgentCenters(agentUserID string) ([]store.Agent, error) {
	return t.agents(fmt.Sprintf("call centers of agent %q", agentUserID),
		" WHERE agent_user_id = $1 ORDER BY service_user_id", agentUserID)
}

func (t *tx) SetAgentJoined(serviceUserID, agentUserID string, joined bool) error {
	return t.write(false, func() error {
		return t.change(fmt.Sprintf("agent %q of %s", agentUserID, centerName(serviceUserID)),
			"UPDATE call_center_agents SET joined = $3 WHERE service_user_id = $1 AND agent_user_id = $2",
			serviceUserID, agentUserID, joined)
	})
}

// SetSupervisors replaces the center's supervisors, kept in slice order.
func (t *tx) SetSupervisors(serviceUserID string, supervisorUserIDs []string) error {
	what := "supervisors of " + centerName(serviceUserID)
	return t.write(true, func() error {
		if err := t.centerExists(serviceUserID); err != nil {
			return err
		}
		if _, err := t.exec(what, "DELETE FROM call_center_supervisors WHERE service_user_id = $1", serviceUserID); err != nil {
			return err
		}
		for i, id := range supervisorUserIDs {
			if err := t.insert(fmt.Sprintf("supervisor %q of %s", id, centerName(serviceUserID)),
				"INSERT INTO call_center_supervisors (service_user_id, supervisor_user_id, position) VALUES ($1, $2, $3)",
				serviceUserID, id, i); err != nil {
				return err
			}
		}
		return nil
	})
}

// ListSupervisors returns the center's supervisors in the order set.
func (t *tx) ListSupervisors(serviceUserID string) ([]string, error) {
	return t.column("supervisors of "+centerName(serviceUserID),
		"SELECT supervisor_user_id FROM call_center_supervisors WHERE service_user_id = $1 ORDER BY position", serviceUserID)
}

// AgentSignOut is the state of an agent with no stored state.
const AgentSignOut = "Sign-Out"

func (t *tx) GetAgentState(userID string) (store.AgentState, error) {
	s := store.AgentState{UserID: userID}
	err := t.q.QueryRowContext(t.ctx, "SELECT acd_state, unavailable_code FROM agent_states WHERE user_id = $1", userID).
		Scan(&s.ACDState, &s.UnavailableCode)
	if errors.Is(err, sql.ErrNoRows) {
		return store.AgentState{UserID: userID, ACDState: AgentSignOut}, nil
	}
	return s, rowErr(fmt.Sprintf("agent state of %q", userID), err)
}

func (t *tx) PutAgentState(s store.AgentState) error {
	return t.write(false, func() error {
		return t.insert(fmt.Sprintf("agent state of %q", s.UserID), `INSERT INTO agent_states
			(user_id, acd_state, unavailable_code) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET acd_state = excluded.acd_state, unavailable_code = excluded.unavailable_code`,
			s.UserID, s.ACDState, s.UnavailableCode)
	})
}
