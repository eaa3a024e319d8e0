"""Set the bucket rule that aborts unfinished multipart uploads after a day, where the S3
server supports it. Run with credentials that may change the bucket's lifecycle (the
setup's, not the app's: the app runs with least privilege).

    python scripts/services/s3_lifecycle.py URL ACCESS SECRET REGION BUCKET [DAYS]

Exit 0 when the rule is set, or when the server does not support lifecycle rules (the
message says what does the job there: versitygw 1.7 answers NotImplemented, so Kiroku's
``manage.py sweep_multipart_uploads`` must run daily; MinIO refuses the rule but aborts
such uploads itself after ``MINIO_API_STALE_UPLOADS_EXPIRY``, 24 h by default). Exit 1 on
any other error.
"""

import sys
from urllib.parse import urlsplit

from minio import Minio
from minio.commonconfig import ENABLED, Filter
from minio.error import S3Error
from minio.lifecycleconfig import AbortIncompleteMultipartUpload, LifecycleConfig, Rule

RULE_ID = "kiroku-abort-incomplete-multipart-uploads"


def main(url: str, access: str, secret: str, region: str, bucket: str, days: str = "1") -> int:
    parts = urlsplit(url)
    client = Minio(
        parts.netloc, access, secret, secure=parts.scheme == "https", region=region or None
    )
    try:
        current = client.get_bucket_lifecycle(bucket)
        # keep the bucket's other rules; replace ours
        rules = [rule for rule in (current.rules if current else []) if rule.rule_id != RULE_ID]
        rules.append(
            Rule(
                ENABLED,
                rule_filter=Filter(prefix=""),
                rule_id=RULE_ID,
                abort_incomplete_multipart_upload=AbortIncompleteMultipartUpload(int(days)),
            )
        )
        client.set_bucket_lifecycle(bucket, LifecycleConfig(rules))
    except S3Error as exc:
        if exc.code == "NotImplemented":
            print(
                f"s3 lifecycle: {bucket}: the server has no lifecycle rules ({exc.code}); "
                "run `manage.py sweep_multipart_uploads` daily instead"
            )
            return 0
        if exc.code in ("MalformedXML", "InvalidRequest", "InvalidArgument"):
            print(
                f"s3 lifecycle: {bucket}: the server refused the rule ({exc.code}: "
                f"{exc.message}); MinIO aborts such uploads itself after "
                "MINIO_API_STALE_UPLOADS_EXPIRY, elsewhere run `manage.py "
                "sweep_multipart_uploads` daily"
            )
            return 0
        print(f"s3 lifecycle: {bucket}: {exc.code} {exc.message}", file=sys.stderr)
        return 1
    print(f"s3 lifecycle: {bucket}: unfinished multipart uploads aborted after {days} day(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
