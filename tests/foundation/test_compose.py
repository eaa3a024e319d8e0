"""docker-compose.yml (the production path) agrees with the settings module."""

import json
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SETTINGS_SOURCE = (ROOT / "dms" / "settings.py").read_text()
SETTINGS_VARS = set(re.findall(r'env(?:_bool|_int|_list)?\("([A-Z0-9_]+)"', SETTINGS_SOURCE))
# Only meaningful on a developer machine or in tests, not in the production stack.
LOCAL_ONLY = {
    "KIROKU_OBJECTS_DIR",
    "KIROKU_INDEX_DIR",
    "KIROKU_ELASTICSEARCH_URL",
    "KIROKU_OPENSEARCH_URL",
}


def test_settings_variables_were_found():
    assert {"DATABASE_URL", "KIROKU_S3_ENDPOINT", "KIROKU_SEARCH_URL"} <= SETTINGS_VARS


def test_the_production_services_are_described():
    services = COMPOSE["services"]
    assert {"postgres", "elasticsearch", "minio", "minio-init", "web", "worker"} <= set(services)
    assert services["opensearch"]["profiles"] == ["opensearch"]
    for name in ["postgres", "elasticsearch", "opensearch", "minio", "web"]:
        assert "healthcheck" in services[name], name


def test_web_and_worker_set_every_variable_the_settings_read():
    for name in ["web", "worker"]:
        environment = COMPOSE["services"][name]["environment"]
        assert set(environment) == SETTINGS_VARS - LOCAL_ONLY, name


def test_every_variable_is_documented_in_env_example():
    documented = set(re.findall(r"^#?\s*([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert documented >= SETTINGS_VARS


def test_services_point_at_each_other():
    env = COMPOSE["services"]["web"]["environment"]
    assert "@postgres:5432/" in env["DATABASE_URL"]
    assert env["KIROKU_S3_ENDPOINT"] == "http://minio:9000"
    assert "elasticsearch:9200" in env["KIROKU_SEARCH_URL"]


def test_named_volumes_are_declared():
    declared = set(COMPOSE["volumes"])
    used = set()
    for service in COMPOSE["services"].values():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if not source.startswith((".", "/")):
                used.add(source)
    assert used == declared


def test_bucket_is_created_with_object_lock_and_versioning():
    command = " ".join(COMPOSE["services"]["minio-init"]["entrypoint"])
    assert "--with-lock" in command and "version enable" in command


def test_search_images_install_japanese_analysis():
    for engine in ["elasticsearch", "opensearch"]:
        dockerfile = (ROOT / "docker" / engine / "Dockerfile").read_text()
        assert "analysis-kuromoji" in dockerfile and "analysis-icu" in dockerfile


def test_the_app_gets_its_own_least_privilege_s3_user_not_the_root_one():
    env = COMPOSE["services"]["web"]["environment"]
    assert "MINIO_ROOT" not in env["KIROKU_S3_ACCESS_KEY"] + env["KIROKU_S3_SECRET_KEY"]
    assert env["KIROKU_DEFAULT_RETENTION_MODE"].endswith(":-COMPLIANCE}")
    init = COMPOSE["services"]["minio-init"]
    command = " ".join(init["entrypoint"])
    assert "mc retention set --default" in command
    assert "mc admin user add" in command and "mc admin policy attach" in command
    policy = json.loads((ROOT / "docker" / "minio" / "kiroku-app-policy.json").read_text())
    actions = {action for statement in policy["Statement"] for action in statement["Action"]}
    assert {"s3:PutObject", "s3:GetObject", "s3:PutObjectRetention"} <= actions
    assert not actions & {
        "s3:*",
        "s3:BypassGovernanceRetention",
        "s3:PutBucketPolicy",
        "s3:DeleteBucketPolicy",
        "s3:PutBucketObjectLockConfiguration",
        "s3:PutBucketVersioning",
        "s3:DeleteBucket",
    }
    assert any("kiroku-app-policy.json" in volume for volume in init["volumes"])
