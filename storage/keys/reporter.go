package keys

// ReporterKeyFile is the default file of the key that seals the identity
// of 12310 reporters (32 random bytes, hex), in the key directory.
const ReporterKeyFile = "reporter.key"

// ReporterKeyEnv names the environment variable that may hold the reporter
// key (64 hex digits) instead of a file, for deployments that keep secrets
// in their orchestrator.
const ReporterKeyEnv = "RECTIFY_REPORTER_KEY"

// ReporterKey returns the key that seals reporters' identities: from
// fromEnv (the value of ReporterKeyEnv) when it is set, from file when one is named (it must
// exist: a named key that is missing is an error, never a new key), and
// otherwise from ReporterKeyFile in dir, made (mode 0600) on first use.
// created says a new key was made; a database that already holds
// identities then refuses it (hotline.Open checks its check value).
func ReporterKey(dir, file, fromEnv string) (key []byte, created bool, err error) {
	return reporterKey.load(dir, file, fromEnv)
}

var reporterKey = dataKey{file: ReporterKeyFile, env: ReporterKeyEnv, flag: "reporter-key-file", what: "举报人信息"}
