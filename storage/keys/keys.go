// Package keys keeps the server's own secrets as files in a directory only
// the server's user may enter: the key of the keyed hashes that stand in
// for personal identifiers (login names that were typed but match no
// account), and the SM2 key pair that signs the ledger's checkpoints.
//
// Missing keys are generated on first use. Servers that share one database
// must share one key directory (copy it, or mount it from one place):
// otherwise each counts failed logins under its own hashes and signs
// checkpoints that the others cannot check. The public key, and only it,
// is meant to leave the machine: an auditor checks checkpoints with it.
package keys

import (
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"
)

// File names inside the key directory.
const (
	HashKeyFile    = "hash.key"           // 32 random bytes, hex
	SigningKeyFile = "checkpoint.key.pem" // SM2 private key, PKCS #8 PEM
	PublicKeyFile  = "checkpoint.pub.pem" // SM2 public key, PKIX PEM
)

// Keys are the server's secrets.
type Keys struct {
	// Dir is where they are kept.
	Dir string
	// HashKey keys the HMAC-SM3 that stands in for personal identifiers.
	HashKey []byte
	// Signer signs checkpoints (SM2, GB/T 32918).
	Signer *sm2.PrivateKey
}

// Public is the checkpoint signing key's public half.
func (k *Keys) Public() *ecdsa.PublicKey { return &k.Signer.PublicKey }

// Load reads the keys in dir, generating those that are missing. The
// directory is made (or made again) mode 0700 and the private files 0600.
func Load(dir string) (*Keys, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("key directory: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, fmt.Errorf("key directory: %w", err)
	}
	// Keys made by hand, or restored from a backup, may be open to others.
	for _, f := range []string{HashKeyFile, SigningKeyFile} {
		if err := os.Chmod(filepath.Join(dir, f), 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("key directory: %w", err)
		}
	}
	k := &Keys{Dir: dir}
	var err error
	if k.HashKey, err = loadHashKey(filepath.Join(dir, HashKeyFile)); err != nil {
		return nil, err
	}
	if k.Signer, err = loadSigner(dir); err != nil {
		return nil, err
	}
	return k, nil
}

func loadHashKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, fmt.Errorf("generate hash key: %w", err)
		}
		if err := create(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return loadHashKey(path) // another process made it first
			}
			return nil, fmt.Errorf("hash key: %w", err)
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hash key: %w", err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) < 32 {
		return nil, fmt.Errorf("hash key %s: not 32 or more bytes in hex", path)
	}
	return key, nil
}

func loadSigner(dir string) (*sm2.PrivateKey, error) {
	path := filepath.Join(dir, SigningKeyFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		priv, err := sm2.GenerateKey(rand.Reader)
		if err != nil {
			return nil, fmt.Errorf("generate signing key: %w", err)
		}
		der, err := smx509.MarshalPKCS8PrivateKey(priv)
		if err != nil {
			return nil, fmt.Errorf("signing key: %w", err)
		}
		if err := create(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return loadSigner(dir)
			}
			return nil, fmt.Errorf("signing key: %w", err)
		}
		if err := writePublic(filepath.Join(dir, PublicKeyFile), &priv.PublicKey); err != nil {
			return nil, err
		}
		return priv, nil
	}
	if err != nil {
		return nil, fmt.Errorf("signing key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("signing key %s: not PEM", path)
	}
	key, err := smx509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("signing key %s: %w", path, err)
	}
	priv, ok := key.(*sm2.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("signing key %s: not an SM2 key", path)
	}
	// The public file is a convenience for auditors; put it back if lost.
	if _, err := os.Stat(filepath.Join(dir, PublicKeyFile)); errors.Is(err, fs.ErrNotExist) {
		if err := writePublic(filepath.Join(dir, PublicKeyFile), &priv.PublicKey); err != nil {
			return nil, err
		}
	}
	return priv, nil
}

// PublicPEM is pub as a PKIX PEM block.
func PublicPEM(pub *ecdsa.PublicKey) ([]byte, error) {
	der, err := smx509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), nil
}

func writePublic(path string, pub *ecdsa.PublicKey) error {
	b, err := PublicPEM(pub)
	if err != nil {
		return err
	}
	if err := create(path, b, 0o644); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("public key: %w", err)
	}
	return nil
}

// ReadPublic reads an SM2 public key from a PEM file (PublicKeyFile, or a
// copy an auditor keeps).
func ReadPublic(path string) (*ecdsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("public key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("public key %s: not PEM", path)
	}
	key, err := smx509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("public key %s: %w", path, err)
	}
	pub, ok := key.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, fmt.Errorf("public key %s: not an SM2 key", path)
	}
	return pub, nil
}

// create writes a new file, failing with fs.ErrExist if there is one, so
// two processes starting at once end up with one key.
func create(path string, data []byte, mode os.FileMode) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".new-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Link(tmp.Name(), path)
}
