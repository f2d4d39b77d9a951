package storetest

import (
	"crypto/rand"
	"database/sql"
	"net/url"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// PostgresEnv names the environment variable holding the connection
// string of a PostgreSQL server for tests; .ci/run sets it.
const PostgresEnv = "SWITCHBOARD_TEST_POSTGRES_URL"

// PostgresSchema creates a schema with a random name on the server of base,
// dropped when tb ends, and returns a connection string that uses it: so
// runs and tests never meet.
func PostgresSchema(tb testing.TB, base string) string {
	tb.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		tb.Fatal(err)
	}
	schema := "sbtest_" + strings.ToLower(rand.Text()[:12])
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		admin.Close()
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		admin.Exec("DROP SCHEMA " + schema + " CASCADE")
		admin.Close()
	})
	u, err := withSearchPath(base, schema)
	if err != nil {
		tb.Fatal(err)
	}
	return u
}

// withSearchPath adds search_path to a connection string (URL or
// key=value form); pgx sends it as a run-time parameter.
func withSearchPath(conn, schema string) (string, error) {
	if strings.HasPrefix(conn, "postgres://") || strings.HasPrefix(conn, "postgresql://") {
		u, err := url.Parse(conn)
		if err != nil {
			return "", err
		}
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return conn + " search_path=" + schema, nil
}
