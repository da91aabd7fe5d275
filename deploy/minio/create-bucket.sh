#!/bin/sh
# One-shot: a private bucket, and a key pair for the pipeline that can use that bucket only.
set -eu
mc alias set local http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "local/$BUCKET"
mc anonymous set none "local/$BUCKET"
cat > /tmp/pipeline-policy.json <<POLICY
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": ["s3:ListBucket", "s3:GetBucketLocation"],
     "Resource": ["arn:aws:s3:::$BUCKET"]},
    {"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
     "Resource": ["arn:aws:s3:::$BUCKET/*"]}
  ]
}
POLICY
mc admin policy create local victoria-pipeline /tmp/pipeline-policy.json
mc admin user add local "$PIPELINE_S3_ACCESS_KEY" "$PIPELINE_S3_SECRET_KEY"
# attach fails when the policy is already attached (a re-run): check, then attach
mc admin user info local "$PIPELINE_S3_ACCESS_KEY" | grep -q "victoria-pipeline" \
  || mc admin policy attach local victoria-pipeline --user "$PIPELINE_S3_ACCESS_KEY"
