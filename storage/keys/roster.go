package keys

// RosterKeyFile is the default file of the key that seals and matches the
// ID numbers of staffing rosters (32 random bytes, hex), in the key
// directory. It is a key of its own, not the reporter key: the two kinds of
// personal data are read by different people and may be rotated apart.
const RosterKeyFile = "roster.key"

// RosterKeyEnv names the environment variable that may hold the roster key
// (64 hex digits) instead of a file.
const RosterKeyEnv = "RECTIFY_ROSTER_KEY"

// RosterKey returns the roster key as ReporterKey returns the reporter's:
// from fromEnv when set, from file when named (a named file that is missing
// is an error, never a new key), otherwise from RosterKeyFile in dir, made
// (mode 0600) on first use; created says a new key was made.
func RosterKey(dir, file, fromEnv string) (key []byte, created bool, err error) {
	return rosterKey.load(dir, file, fromEnv)
}

var rosterKey = dataKey{file: RosterKeyFile, env: RosterKeyEnv, flag: "roster-key-file", what: "花名册身份证号"}
