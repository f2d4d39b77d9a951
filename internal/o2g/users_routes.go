package o2g

// userRoutes registers user information, user management and system
// status, and the translators of the core's user events.
func (s *Server) userRoutes() {
	// Registered while New builds the server, so this is its start time.
	started := s.cfg.Now()

	s.route("GET /logins", s.withSession(s.handleLogins))
	s.route("GET /users", s.withSession(s.handleUsersByPhone))
	s.route("GET /users/{loginName}", s.withSession(s.handleUser))
	s.route("PUT /users/{loginName}/password", s.withSession(s.handleChangePassword))
	s.route("GET /users/{loginName}/preferences", s.withSession(s.handleGetPreferences))
	s.route("POST /users/{loginName}/preferences", s.withSession(s.handleSetPreferences))
	s.route("GET /users/{loginName}/preferences/supportedLanguages", s.withSession(s.handleSupportedLanguages))

	s.route("GET /usermanagement", s.adminOnly(s.handleManagedLogins))
	s.route("POST /usermanagement", s.adminOnly(s.handleCreateUsers))
	s.route("GET /usermanagement/{loginName}", s.adminOnly(s.handleManagedUser))
	s.route("DELETE /usermanagement/{loginName}", s.adminOnly(s.handleDeleteUser))

	s.route("GET /system/status", s.adminOnly(s.handleSystemStatus(started)))
	s.route("GET /system/licenses", s.handleLicenses)

	s.registerUserEvents()
}
