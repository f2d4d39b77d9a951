// Package provisioning is Switchboard's domain core: the provisioning model
// of a BroadWorks Application Server in AS data mode (system domains,
// resellers, service providers and enterprises, groups, departments, phone
// numbers, service licensing and packs, users, devices, administrators,
// call centers and agent state) and the rules that govern it.
//
// Every facade (OCI-P today, O2G and REST later) calls the Core; none of
// them touches the store. Each Core method:
//
//  1. takes the acting identity (*Actor: login level and scope);
//  2. runs in exactly one store transaction (Store.View for reads,
//     Store.Update for writes), so a multi-step command such as the
//     consolidated user add either happens entirely or not at all;
//  3. checks authorization inside that transaction, against the target
//     object's owner (authorize: level, then scope; read-only admins may
//     only read) plus the command's own rules (for instance "adding the
//     domain to the service provider needs a Provisioning administrator");
//  4. reports a refusal as *Error with a Kind that the facade renders in
//     its own error form; any other error is an internal failure.
//
// Below Reseller level an unknown service provider, group or user is
// refused exactly like one outside the actor's scope, so administrators
// cannot probe for what exists elsewhere.
//
// Passwords: sha1_hex(password) is kept because the OCI-P signed login
// needs it; a salted PBKDF2 hash is kept beside it (see passwords.go).
// Bad-password lockout is counted in memory per login id.
package provisioning
