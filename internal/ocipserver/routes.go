package ocipserver

// buildRoutes collects every command family's handlers. A request type
// with no handler is parsed, validated and answered with the 9001
// "not supported" ErrorResponse; `switchboard oci commands --implemented`
// reads this table through Implemented.
func buildRoutes() routes {
	r := routes{}
	for _, family := range []func(routes){
		loginRoutes,
		systemRoutes,
		providerRoutes,
		groupRoutes,
		numberRoutes,
		serviceRoutes,
		userRoutes,
		adminRoutes,
		resellerRoutes,
		departmentRoutes,
		deviceRoutes,
		callCenterRoutes,
		licensingRoutes,
		routingRoutes,
	} {
		family(r)
	}
	return r
}
