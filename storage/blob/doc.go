// Package blob groups the object stores that implement documents.Blobs:
// localblob (a directory, the embedded default) and minioblob (MinIO), both
// held to the same contract by blobtest.
package blob
