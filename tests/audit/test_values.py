"""What a template or configuration sends when it deploys with its own defaults (readers/cfn_values.py and
readers/tf_values.py): each rule of evaluation on the smallest input that needs it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from advisor.audit import audit_paths
from advisor.audit.model import Reference, Unknown
from advisor.audit.readers import BadInput
from advisor.audit.readers.cloudformation import read_template
from advisor.audit.readers.tf_values import Scope
from advisor.knowledge.loader import load_knowledge

K = load_knowledge()


def _props(template: str, name: str = "R") -> dict:
    return {r.name: r.properties for r in read_template("t.yaml", template)}[name]


HEAD = "AWSTemplateFormatVersion: '2010-09-09'\n"


def test_a_parameter_reads_as_its_default_and_a_condition_picks_its_branch() -> None:
    props = _props(HEAD + """Parameters:
  Env: {Type: String, Default: dev}
  Key: {Type: String, Default: ""}
  Count: {Type: Number, Default: 3}
  Subnets: {Type: CommaDelimitedList, Default: "a,b"}
Conditions:
  Prod: !Equals [!Ref Env, prod]
  HasKey: !Not [!Equals [!Ref Key, ""]]
  Either: !Or [!Condition Prod, !Condition HasKey]
Resources:
  R:
    Type: X
    Properties:
      A: !If [Prod, Disabled, Enabled]
      B: !If [HasKey, !Ref Key, !Ref AWS::NoValue]
      C: !Ref Count
      D: !Ref Subnets
      E: !If [Either, big, small]
      F: [one, !If [Prod, two, !Ref AWS::NoValue]]
""")
    assert (props["A"], props["C"], props["D"], props["E"], props["F"]) == ("Enabled", 3, ["a", "b"], "small", ["one"])
    assert "B" in props and props["B"] is not None and not isinstance(props["B"], str)  # present key, value absent


def test_set_but_unknown_values_are_references_and_opaque_ones_unknown() -> None:
    props = _props(HEAD + """Parameters:
  Subnet: {Type: "AWS::EC2::Subnet::Id"}
  Free: {Type: String}
Conditions:
  Free: !Equals [!Ref Free, x]
Resources:
  Other: {Type: Y}
  R:
    Type: X
    Properties:
      Import: !ImportValue shared-key
      Sub: !Sub "arn:aws:kms:${AWS::Region}:${AWS::AccountId}:key/abc"
      Known: !Sub "${Free2}-x"
      Subnet: !Ref Subnet
      Account: !Ref AWS::AccountId
      Att: !GetAtt Other.Arn
      Free: !Ref Free
      Same: !If [Free, Disabled, Disabled]
      Differs: !If [Free, Disabled, Enabled]
      Map: !FindInMap [M, a, b]
      Split: !Split [",", !ImportValue shared-subnets]
      SplitFree: !Split [",", !Ref Free]
""".replace("${Free2}", "${Free}"))
    for key in ("Import", "Sub", "Subnet", "Account", "Att", "Known", "Split"):
        assert isinstance(props[key], Reference), key
    assert props["Same"] == "Disabled"
    for key in ("Free", "Differs", "Map", "SplitFree"):
        assert isinstance(props[key], Unknown) and not isinstance(props[key], Reference), key


def test_a_resource_whose_condition_is_false_is_not_created() -> None:
    names = {r.name for r in read_template("t.yaml", HEAD + """Conditions:
  Never: !Equals [a, b]
Resources:
  Gone: {Type: X, Condition: Never}
  Kept: {Type: X}
""")}
    assert names == {"Kept"}


@pytest.mark.parametrize("value", ["!GetParam Role", "{'Fn::Lower': X}"])
def test_a_function_cloudformation_does_not_have_refuses_the_template_at_its_line(value: str) -> None:
    with pytest.raises(BadInput) as caught:
        read_template("t.yaml", HEAD + f"Resources:\n  R:\n    Type: X\n    Properties:\n      A: {value}\n")
    assert "not a CloudFormation function" in caught.value.reason and caught.value.line == 6


def test_sam_globals_apply_to_every_function_and_the_function_wins() -> None:
    template = HEAD + """Transform: AWS::Serverless-2016-10-31
Globals:
  Function:
    Runtime: python3.12
    Tracing: Active
    Environment: {Variables: {A: "1"}}
    Layers: [g]
Resources:
  F:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.8
      Environment: {Variables: {B: "2"}}
      Layers: [own]
  Plain:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.8}
"""
    props = _props(template, "F")
    assert (props["Runtime"], props["Tracing"], props["Environment"]["Variables"], props["Layers"]) == \
        ("python3.8", "Active", {"B": "2", "A": "1"}, ["g", "own"])
    assert "Tracing" not in _props(template, "Plain")  # Globals are SAM's, for AWS::Serverless::* only
    assert "Tracing" not in _props(template.replace("Transform: AWS::Serverless-2016-10-31\n", ""), "F")


@pytest.mark.parametrize(("expression", "value"), [
    ('var.env == "prod" ? "Disabled" : "Enabled"', "Enabled"),
    ("var.env != \"prod\" && !var.flag", True),
    ("local.obj.version", "2"),
    ("var.items[1].count * 2", 4),
    ('merge(local.obj, {"b" = "c"})', {"version": "2", "b": "c"}),
    ("var.missing == null ? [] : ['sg-1']", ["sg-1"]),
    ("var.flag ? aws_kms_key.k.arn : \"alias/x\"", "alias/x"),
    # text functions a lifecycle script or an environment is written with (audit7)
    ('base64decode(base64encode("#!/bin/bash"))', "#!/bin/bash"),
    ('jsonencode({"a" = [var.env]})', '{"a":["dev"]}'),
    ('join(",", split("-", "a-b"))', "a,b"),
    ('lookup(local.obj, "missing", "d")', "d"),
    ("trimspace(\"  x \")", "x"),
    # another resource's ARN is never empty: a module's `var.dlq == "" ? [] : [var.dlq]` makes its block
    ('aws_sqs_queue.q.arn == "" ? [] : [1]', [1]),
    ("aws_kms_key.k.arn != null", True),
])
def test_terraform_expressions_are_computed_from_the_configuration(expression: str, value: object) -> None:
    scope = Scope({"env": "dev", "flag": False, "items": [{"count": 1}, {"count": 2}], "missing": "x"},
                  {"obj": {"version": "${var.version}"}})
    scope.variables["version"] = "2"
    assert scope.expression(expression) == value


@pytest.mark.parametrize(("expression", "kind"), [
    ("aws_kms_key.k.arn", Reference), ("data.aws_kms_key.k.arn", Reference), ("var.undeclared", Unknown),
    ("each.value", Unknown), ("module.kms.key_arn", Unknown), ("templatefile(\"x.tpl\", var.env)", Unknown),
    ('var.flag ? "a" : "b"', Unknown),
    ('aws_kms_key.k.arn == "alias/x" ? "a" : "b"', Unknown),  # a set value compared with another: unknown
])
def test_what_the_configuration_does_not_fix_stays_unknown(expression: str, kind: type) -> None:
    result = Scope({"env": "dev"}, {}).expression(expression)
    assert type(result) is kind


def test_a_template_string_with_text_around_an_unknown_is_set() -> None:
    scope = Scope({}, {})
    assert isinstance(scope.value("arn:aws:kms:${var.region}:111122223333:key/x"), Reference)
    assert scope.value("${var.region}") == Unknown("var.region")


def test_dynamic_blocks_count_and_a_missing_for_each(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("""
variable "variants" {
  default = [{ n = 1 }, { n = 3 }]
}
variable "unknown" {}
resource "aws_sagemaker_endpoint_configuration" "known" {
  dynamic "production_variants" {
    for_each = var.variants
    content {
      initial_instance_count = production_variants.value.n
    }
  }
}
resource "aws_sagemaker_endpoint_configuration" "unknown" {
  dynamic "production_variants" {
    for_each = var.unknown
    iterator = v
    content {
      initial_instance_count = v.value.n
    }
  }
}
resource "aws_sagemaker_notebook_instance" "none" {
  count = 0
}
""")
    report = audit_paths([tmp_path], K, base=tmp_path)
    ec04 = {(f.resource, f.field): (f.status, f.line) for f in report.findings if f.control == "SM-EC-04"}
    assert ec04 == {
        ("aws_sagemaker_endpoint_configuration.known", "production_variants[0].initial_instance_count"): ("fail", 10),
        ("aws_sagemaker_endpoint_configuration.known", "production_variants[1].initial_instance_count"): ("pass", 10),
        ("aws_sagemaker_endpoint_configuration.unknown", "production_variants.initial_instance_count"): ("unknown", 19),
    }
    assert not [f for f in report.findings if f.resource.startswith("aws_sagemaker_notebook_instance")]


def test_tfvars_override_defaults_and_auto_tfvars_override_tfvars(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("""
variable "a" {
  default = "Enabled"
}
variable "b" {
  default = "Enabled"
}
resource "aws_sagemaker_notebook_instance" "nb" {
  direct_internet_access = var.a
  root_access            = var.b
}
""")
    (tmp_path / "terraform.tfvars").write_text('a = "Disabled"\nb = "Disabled"\n')
    (tmp_path / "x.auto.tfvars").write_text('b = "Enabled"\n')
    found = {f.control: f.status for f in audit_paths([tmp_path / "main.tf"], K, base=tmp_path).findings
             if f.control in ("SM-NB-02", "SM-NB-03")}
    assert found == {"SM-NB-02": "pass", "SM-NB-03": "fail"}


def test_for_each_makes_one_resource_per_item_or_one_with_an_unknown_item() -> None:
    template = HEAD + """Transform: AWS::LanguageExtensions
Parameters:
  Names: {Type: CommaDelimitedList, Default: "a-1,b"}
  Free: {Type: CommaDelimitedList}
Resources:
  Fn::ForEach::Known:
    - N
    - !Ref Names
    - Box&{N}:
        Type: X
        Properties: {Name: !Ref N, Text: !Sub "${N}-x"}
  Fn::ForEach::Unknown:
    - M
    - !Ref Free
    - Other${M}:
        Type: X
        Properties: {Name: !Ref M}
"""
    found = {r.name: (r.properties, r.line) for r in read_template("t.yaml", template)}
    assert found["Boxa1"] == ({"Name": "a-1", "Text": "a-1-x"}, 10) and found["Boxb"][0]["Name"] == "b"
    assert isinstance(found["Other${M}"][0]["Name"], Unknown)


def test_a_secret_named_variable_holding_where_the_secret_lives_is_no_secret() -> None:
    from advisor.audit.checks import _secrets

    assert _secrets({"DB_PASSWORD_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbC",
                     "TOKEN_PARAMETER": "/prod/app/token", "DB": "{{resolve:secretsmanager:db:SecretString:pw}}"}) == []
    assert _secrets({"DB_PASSWORD": "correct-horse-battery"}) == ["DB_PASSWORD"]


def test_a_credential_with_a_vendor_form_is_found_whatever_its_variable_is_called() -> None:
    """A webhook URL or a vendor's live key is the credential itself, under a name like NOTIFY or HOOK; the same
    vendors' public forms (a workspace URL, a test key, a docs link) are not."""
    from advisor.audit.checks import _secrets

    hook = "https://hooks.slack.com/services/" + "T00000000/B00000000/" + "X" * 24
    found = {"NOTIFY": hook, "ALERTS": "https://discord.com/api/webhooks/123456789012345678/" + "a" * 60,
             "BILLING": "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc", "MAIL": "SG." + "a" * 22 + "." + "b" * 43,
             "MAPS": "AIza" + "B" * 35}
    assert sorted(_secrets(found)) == sorted(found)
    assert _secrets({"TEAM": "https://example.slack.com/archives/C0123", "STRIPE": "sk_test_" + "4" * 24,
                     "DOCS": "https://api.slack.com/messaging/webhooks"}) == []


def test_a_value_set_indirectly_says_where_it_comes_from(tmp_path: Path) -> None:
    (tmp_path / "t.yaml").write_text(HEAD + """Parameters:
  Access: {Type: String, Default: Enabled}
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties: {DirectInternetAccess: !Ref Access}
""")
    (tmp_path / "main.tf").write_text('variable "access" {\n  default = "Enabled"\n}\n'
                                      'resource "aws_sagemaker_notebook_instance" "nb" {\n'
                                      '  direct_internet_access = var.access\n}\n')
    actual = {f.kind: f.actual for f in audit_paths([tmp_path], K, base=tmp_path).findings if f.control == "SM-NB-02"}
    assert actual == {"cloudformation": "'Enabled' (parameter Access's Default)",
                      "terraform": "'Enabled' (var.access's default)"}


def test_module_arguments_read_the_callers_variables_two_calls_deep(tmp_path: Path) -> None:
    """`module "a" { access = var.access }` reads the caller's own variables, and a module calling a module gets
    the outer call's values: each instance named as Terraform names it (`module.a.module.b.<type>.<name>`)."""
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "main.tf").write_text('variable "access" {\n  default = "Disabled"\n}\n'
                                      'module "a" {\n  source = "./a"\n  access = var.access\n}\n')
    (tmp_path / "a" / "main.tf").write_text('variable "access" {}\nmodule "b" {\n  source = "./b"\n'
                                            '  access = var.access\n}\n')
    (tmp_path / "a" / "b" / "main.tf").write_text(
        'variable "access" {}\nresource "aws_sagemaker_notebook_instance" "nb" {\n  name = "nb"\n'
        '  direct_internet_access = var.access\n}\n')
    report = audit_paths([tmp_path], K, tmp_path)
    nb02 = [f for f in report.findings if f.control == "SM-NB-02"]
    assert [(f.resource, f.status) for f in nb02] == [("module.a.module.b.aws_sagemaker_notebook_instance.nb",
                                                       "pass")]
    assert nb02[0].actual == "'Disabled' (var.access's default)"  # where the value was written: the root


@pytest.mark.parametrize(("source_arn", "asked"), [
    ("aws_sns_topic.t.arn", False),                                   # arn:aws:sns:<region>:<account>:t
    ('"${aws_api_gateway_rest_api.api.execution_arn}/*/POST/score"', False),
    ("aws_s3_bucket.uploads.arn", True),                              # arn:aws:s3:::uploads: no account
    ("var.source_arn", None),                                         # nothing says its form
    ('"arn:aws:s3:::${aws_s3_bucket.uploads.id}"', True),             # a bucket's ARN spelled out: no account
    ('"arn:aws:events:us-east-1:${data.aws_caller_identity.me.account_id}:rule/x"', False),  # the caller's account
    ('"arn:aws:events:us-east-1:${var.source_arn}:rule/x"', None),   # an account nothing fixes
])
def test_source_account_is_asked_by_the_form_of_a_referenced_arn(tmp_path: Path, source_arn: str,
                                                                 asked: bool | None) -> None:
    """AddPermission asks SourceAccount where SourceArn names no account (an S3 bucket's ARN); a SourceArn that
    names it meets the control (SourceAccount passes, saying so); the form of a referenced ARN is known before
    apply, though its value is not."""
    (tmp_path / "main.tf").write_text(
        'variable "source_arn" {}\ndata "aws_caller_identity" "me" {}\n'
        'resource "aws_lambda_permission" "p" {\n  action = "lambda:InvokeFunction"\n'
        f'  function_name = "f"\n  principal = "s3.amazonaws.com"\n  source_arn = {source_arn}\n}}\n')
    found = [f.status for f in audit_paths([tmp_path], K, tmp_path).findings
             if f.control == "LM-02" and f.field == "source_account"]
    assert found == {True: ["fail"], False: ["pass"], None: ["unknown"]}[asked]  # type: ignore[index]


@pytest.mark.parametrize(("source_arn", "asked"), [
    ("!GetAtt Bucket.Arn", True),                                       # arn:aws:s3:::name: no account
    ('!Sub "arn:${AWS::Partition}:s3:::${Bucket}/*"', True),
    ("!GetAtt Rule.Arn", False),                                        # arn:aws:events:<region>:<account>:...
    ("!Ref Topic", False),                                              # an SNS topic's Ref is its ARN
    ('!Sub "arn:aws:events:${AWS::Region}:${AWS::AccountId}:rule/x"', False),
    ('!Sub "${Rule.Arn}"', False),
    ('!Sub "arn:aws:events:us-east-1:${Other}:rule/x"', None),          # a parameter without a default
    ("!Ref Other", None),
])
def test_source_account_is_asked_by_the_form_of_a_referenced_arn_in_cloudformation(
        tmp_path: Path, source_arn: str, asked: bool | None) -> None:
    """The same in a template: !GetAtt of an Arn, !Ref of a resource whose Ref is its ARN, and !Sub with pseudo
    parameters have a known form though no known value."""
    (tmp_path / "t.yaml").write_text(HEAD + f"""Parameters:
  Other: {{Type: String}}
Resources:
  Bucket: {{Type: AWS::S3::Bucket}}
  Topic: {{Type: AWS::SNS::Topic}}
  Rule: {{Type: AWS::Events::Rule, Properties: {{ScheduleExpression: rate(1 hour)}}}}
  P:
    Type: AWS::Lambda::Permission
    Properties:
      Action: lambda:InvokeFunction
      FunctionName: f
      Principal: s3.amazonaws.com
      SourceArn: {source_arn}
""")
    found = [f.status for f in audit_paths([tmp_path], K, tmp_path).findings
             if f.control == "LM-02" and f.field == "SourceAccount"]
    assert found == {True: ["fail"], False: ["pass"], None: ["unknown"]}[asked]  # type: ignore[index]


def test_count_and_for_each_make_one_instance_each_as_terraform_names_them(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("""
variable "teams" {
  default = { a = "Disabled", b = "Enabled" }
}
variable "free" {}
resource "aws_sagemaker_notebook_instance" "map" {
  for_each               = var.teams
  direct_internet_access = each.value
}
resource "aws_sagemaker_notebook_instance" "set" {
  for_each               = toset(["x", "y"])
  direct_internet_access = each.key == "x" ? "Disabled" : "Enabled"
}
resource "aws_sagemaker_notebook_instance" "counted" {
  count                  = 2
  direct_internet_access = count.index == 0 ? "Disabled" : "Enabled"
}
resource "aws_sagemaker_notebook_instance" "open" {
  for_each               = var.free
  direct_internet_access = each.value
}
""")
    found = {f.resource: f.status for f in audit_paths([tmp_path], K, tmp_path).findings if f.control == "SM-NB-02"}
    assert found == {
        'aws_sagemaker_notebook_instance.map["a"]': "pass", 'aws_sagemaker_notebook_instance.map["b"]': "fail",
        'aws_sagemaker_notebook_instance.set["x"]': "pass", 'aws_sagemaker_notebook_instance.set["y"]': "fail",
        "aws_sagemaker_notebook_instance.counted[0]": "pass", "aws_sagemaker_notebook_instance.counted[1]": "fail",
        "aws_sagemaker_notebook_instance.open": "unknown",  # a collection nothing fixes: one, its values unknown
    }


def test_fn_foreach_inside_properties_makes_its_keys() -> None:
    """AWS::LanguageExtensions allows Fn::ForEach "within the Resources (including the resource properties)"
    section: a valid template, refused before as an unknown function."""
    props = _props(HEAD + """Transform: AWS::LanguageExtensions
Parameters:
  Envs: {Type: CommaDelimitedList, Default: "A,B"}
  Free: {Type: CommaDelimitedList}
Resources:
  R:
    Type: X
    Properties:
      Known:
        Fn::ForEach::Vars:
          - Name
          - !Ref Envs
          - 'URL${Name}': !Sub "https://${Name}.example.com"
            'ID&{Name}': !Ref Name
      Open:
        Keep: 1
        Fn::ForEach::More: [N, !Ref Free, {'K${N}': !Ref N}]
""")
    assert props["Known"] == {"URLA": "https://A.example.com", "IDA": "A", "URLB": "https://B.example.com",
                              "IDB": "B"}
    assert props["Open"]["Keep"] == 1 and isinstance(props["Open"]["K${N}"], Unknown)


def test_a_module_called_with_for_each_or_count_makes_one_instance_each(tmp_path: Path) -> None:
    (tmp_path / "nb").mkdir()
    (tmp_path / "main.tf").write_text('module "team" {\n  source = "./nb"\n  for_each = { a = "Disabled", '
                                      'b = "Enabled" }\n  access = each.value\n}\n'
                                      'module "off" {\n  source = "./off"\n  count = 0\n}\n')
    (tmp_path / "nb" / "main.tf").write_text('variable "access" {}\nresource "aws_sagemaker_notebook_instance" "nb" '
                                             '{\n  direct_internet_access = var.access\n}\n')
    (tmp_path / "off").mkdir()
    (tmp_path / "off" / "main.tf").write_text('resource "aws_sagemaker_notebook_instance" "never" {\n}\n')
    found = {f.resource: f.status for f in audit_paths([tmp_path], K, tmp_path).findings if f.control == "SM-NB-02"}
    assert found == {'module.team["a"].aws_sagemaker_notebook_instance.nb': "pass",
                     'module.team["b"].aws_sagemaker_notebook_instance.nb': "fail"}  # module.off: count = 0


def test_fn_foreach_inside_list_items_makes_its_keys_in_the_item() -> None:
    """A loop in a list item (a production variant) makes its keys in that item's mapping, as
    the transform merges OutputKeys into the mapping it is written in; CloudFormation has no loop that makes
    list items (aws-sam-cli#9044, cfn-language-discussion#165), so a whole item that is a loop is that mapping."""
    props = _props(HEAD + """Transform: AWS::LanguageExtensions
Parameters:
  Teams: {Type: CommaDelimitedList, Default: "red,blue"}
Resources:
  R:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants:
        - VariantName: a
          Fn::ForEach::Sizing:
            - Key
            - [InitialInstanceCount, InstanceType]
            - ${Key}: !FindInMap [Sizes, !Ref Key, Value, DefaultValue: 2]
        - Fn::ForEach::Team:
            - Team
            - !Ref Teams
            - Weight${Team}: 1
""")
    assert props["ProductionVariants"] == [{"VariantName": "a", "InitialInstanceCount": 2, "InstanceType": 2},
                                           {"Weightred": 1, "Weightblue": 1}]


def test_the_aws_providers_default_tags_tag_every_resource_it_creates(tmp_path: Path) -> None:
    """default_tags of the aws provider (the caller's for a module's resources, an alias's for a resource that
    names it) are in every resource's tags_all: the tag controls read them under the resource's own."""
    (tmp_path / "fn").mkdir()
    (tmp_path / "providers.tf").write_text(
        'variable "owner" {\n  default = "ml-platform"\n}\nprovider "aws" {\n  default_tags {\n    tags = {\n'
        '      owner = var.owner\n    }\n  }\n}\nprovider "aws" {\n  alias = "dr"\n}\n'
        'module "fn" {\n  source = "./fn"\n}\n')
    (tmp_path / "main.tf").write_text('resource "aws_lambda_function" "a" {\n  function_name = "a"\n}\n'
                                      'resource "aws_lambda_function" "dr" {\n  provider = aws.dr\n'
                                      '  function_name = "dr"\n}\n')
    (tmp_path / "fn" / "main.tf").write_text('resource "aws_lambda_function" "m" {\n  function_name = "m"\n'
                                             '  tags = { team = "x" }\n}\n')
    found = {f.resource: (f.status, f.actual) for f in audit_paths([tmp_path], K, tmp_path).findings
             if f.control == "LM-15"}
    assert found == {"aws_lambda_function.a": ("pass", "owner"), "aws_lambda_function.dr": ("fail", "absent"),
                     "module.fn.aws_lambda_function.m": ("pass", "owner, team")}


def test_each_resource_gets_its_own_providers_default_tags(tmp_path: Path) -> None:
    """Resources of one file with the default provider and with an aliased one each get that provider's
    default_tags (how often they are evaluated is a caching detail, not behaviour)."""
    (tmp_path / "providers.tf").write_text(
        'provider "aws" {\n  default_tags {\n    tags = { owner = "ml" }\n  }\n}\n'
        'provider "aws" {\n  alias = "dr"\n  default_tags {\n    tags = { owner = "dr" }\n  }\n}\n')
    (tmp_path / "main.tf").write_text("".join(
        f'resource "aws_lambda_function" "f{i}" {{\n  function_name = "f{i}"\n}}\n' for i in range(4))
        + 'resource "aws_lambda_function" "d" {\n  provider = aws.dr\n  function_name = "d"\n}\n'
        + 'resource "aws_lambda_function" "e" {\n  provider = aws.dr\n  function_name = "e"\n}\n')
    found = {f.resource: f.actual for f in audit_paths([tmp_path], K, tmp_path).findings if f.control == "LM-15"}
    assert found == {**{f"aws_lambda_function.f{i}": "owner" for i in range(4)},
                     "aws_lambda_function.d": "owner", "aws_lambda_function.e": "owner"}


def test_a_join_that_builds_an_arn_is_read_for_its_form_as_a_sub_is(tmp_path: Path) -> None:
    """CDK writes a permission's SourceArn as a !Join of the partition, region, account and the API's id: an ARN of
    the stack's own account, so SourceAccount is not needed (LM-02). A !Join that builds a bucket's ARN names no
    account, and still needs it."""
    (tmp_path / "t.json").write_text(json.dumps({"Resources": {
        "Api": {"Type": "AWS::ApiGateway::RestApi", "Properties": {"Name": "a"}},
        "Bucket": {"Type": "AWS::S3::Bucket"},
        "FromApi": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": "f", "Principal": "apigateway.amazonaws.com",
            "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":execute-api:", {"Ref": "AWS::Region"},
                                            ":", {"Ref": "AWS::AccountId"}, ":", {"Ref": "Api"}, "/*/POST/p"]]}}},
        "FromBucket": {"Type": "AWS::Lambda::Permission", "Properties": {
            "Action": "lambda:InvokeFunction", "FunctionName": "f", "Principal": "s3.amazonaws.com",
            "SourceArn": {"Fn::Join": ["", ["arn:", {"Ref": "AWS::Partition"}, ":s3:::", {"Ref": "Bucket"}]]}}}}}))
    found = {(f.resource, f.field): f.status for f in audit_paths([tmp_path], K, tmp_path).findings
             if f.control == "LM-02"}
    assert found == {("FromApi", "SourceArn"): "pass", ("FromApi", "SourceAccount"): "pass",
                     ("FromBucket", "SourceArn"): "pass", ("FromBucket", "SourceAccount"): "fail"}


def test_a_for_expression_is_computed_over_a_known_collection_and_set_over_resources() -> None:
    """`[for s in aws_subnet.private : s.id]` is the subnets' ids (certainly set, as `aws_subnet.private[*].id` is);
    over a known list or map the body is read per element, `if` filtering; over a value not known it stays
    unknown. (Every for expression was unknown, so a Lambda's subnet_ids built so could not be judged.)"""
    scope = Scope({"names": ["a", "b"], "sizes": {"x": 1, "y": 2}}, {})
    assert isinstance(scope.expression("[for s in aws_subnet.private : s.id]"), Reference)
    assert scope.expression('[for i, n in var.names : "${i}-${upper(n)}"]') == ["0-A", "1-B"]
    assert scope.expression("{for k, v in var.sizes : k => v * 2 if v > 1}") == {"y": 4}
    assert scope.expression('[for n in var.names : n if n != "a"]') == ["b"]
    unknown = scope.expression("[for n in var.missing : n]")
    assert isinstance(unknown, Unknown) and not isinstance(unknown, Reference)


def test_file_and_templatefile_read_the_modules_own_files(tmp_path: Path) -> None:
    """A state machine's definition is often templatefile("${path.module}/x.asl.json", {...}): the file is rendered
    with the values given, and JSON is read as its structure with another resource's attribute kept as set (as
    jsonencode's is). A file that is not there, a template with directives, or a scope with no folder is unknown."""
    from advisor.audit.model import Encoded

    (tmp_path / "def.json").write_text('{"Key": "${key}", "Name": "job-${name}", "Arn": "arn:${key}"}')
    (tmp_path / "script.sh").write_text("#!/bin/bash\necho hi\n")
    (tmp_path / "loop.tpl").write_text("%{ for x in xs }${x}%{ endfor }")
    scope = Scope({}, {}, folder=tmp_path, within=tmp_path)
    rendered = scope.expression('templatefile("${path.module}/def.json", { key = aws_kms_key.k.arn, name = "a" })')
    assert isinstance(rendered, Encoded)
    assert rendered.data["Name"] == "job-a" and rendered.data["Key"] == Reference("aws_kms_key.k.arn")
    assert isinstance(rendered.data["Arn"], Reference)
    assert scope.expression('templatefile("def.json", { key = "alias/k", name = "b" })') == \
        '{"Key": "alias/k", "Name": "job-b", "Arn": "arn:alias/k"}'
    assert scope.expression('file("${path.module}/script.sh")') == "#!/bin/bash\necho hi\n"
    for unknown in ('file("missing.sh")', 'templatefile("loop.tpl", { xs = [1] })'):
        assert isinstance(scope.expression(unknown), Unknown), unknown
    assert isinstance(Scope({}, {}).expression('file("script.sh")'), Unknown)


def test_file_reads_only_a_regular_file_of_at_most_a_mebibyte(tmp_path: Path) -> None:
    """file() can name any path: a device or a FIFO reports size 0 and never ends, so reading one would hang the
    audit or fill memory; a folder or a file over 1 MiB is unknown too, never an error."""
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    (tmp_path / "big.json").write_text("x" * (1024 * 1024 + 1))
    (tmp_path / "ok.txt").write_text("fine")
    scope = Scope({}, {}, folder=tmp_path, within=tmp_path)
    for path in ("/dev/zero", "pipe", "big.json", "."):
        assert isinstance(scope.expression(f'file("{path}")'), Unknown), path
    assert scope.expression('file("ok.txt")') == "fine"


def test_file_reads_nothing_outside_the_audited_folder(tmp_path: Path) -> None:
    """What file() reads is shown in the report: `root_access = file("/proc/self/environ")` printed the auditing
    process's environment. A path outside the audited folder (absolute, `../`, or a symlink that leads out) is
    unknown; a file inside it, a module's own or the root's, is read; a named file's audited folder is its own."""
    audited, outside = tmp_path / "infra", tmp_path / "secrets"
    audited.mkdir()
    outside.mkdir()
    (outside / "token").write_text("s3cr3t")
    (audited / "script.sh").write_text("echo hi")
    (audited / "leak").symlink_to(outside / "token")
    scope = Scope({}, {}, folder=audited, within=audited)
    for path in (str(outside / "token"), "../secrets/token", "leak", "/proc/self/environ"):
        assert isinstance(scope.expression(f'file("{path}")'), Unknown), path
    assert isinstance(Scope({}, {}, folder=audited).expression('file("script.sh")'), Unknown)  # no audited folder
    assert scope.expression(f'file("{audited / "script.sh"}")') == "echo hi"
    (audited / "main.tf").write_text(
        'resource "aws_sagemaker_notebook_instance" "n" {\n  name = "n"\n  role_arn = "r"\n'
        '  instance_type = "ml.t3.medium"\n  root_access = file("../secrets/token")\n'
        '  lifecycle_config_name = file("${path.module}/script.sh")\n}\n')
    for named in ([audited], [audited / "main.tf"]):
        report = audit_paths(named, K, tmp_path)
        shown = json.dumps([f.actual for f in report.findings])
        assert "s3cr3t" not in shown
        assert {f.actual for f in report.findings if f.field == "root_access"} == \
            {'<unknown: file("../secrets/token")>'}


def test_a_relative_file_path_is_read_from_the_root_module_in_a_child_module_too(tmp_path: Path) -> None:
    """Terraform reads a relative file() path from its working directory, the root module's folder, whichever
    module the call is in; only "${path.module}/x" is the module's own file (and path.root the root's). A child
    module's file("start.sh") read its own folder's."""
    from advisor.audit.readers.terraform import _parse_cached
    from advisor.audit.readers.tf_values import Configuration

    (tmp_path / "mod").mkdir()
    (tmp_path / "start.sh").write_text("root")
    (tmp_path / "mod" / "start.sh").write_text("module")
    (tmp_path / "main.tf").write_text('module "m" {\n  source = "./mod"\n}\n')
    (tmp_path / "mod" / "main.tf").write_text('locals {\n  x = 1\n}\n')
    files = [tmp_path / "main.tf", tmp_path / "mod" / "main.tf"]
    configuration = Configuration(files, _parse_cached, {f: tmp_path.resolve() for f in files})
    [child] = configuration.scopes(tmp_path / "mod" / "main.tf")
    assert child.prefix == "module.m."
    assert child.expression('file("start.sh")') == "root"
    assert child.expression('file("${path.module}/start.sh")') == "module"
    assert child.expression('file("${path.root}/start.sh")') == "root"
    [root] = configuration.scopes(tmp_path / "main.tf")
    assert root.expression('file("start.sh")') == "root"
    assert root.expression('file("mod/start.sh")') == "module"


def test_a_local_modules_output_is_read_in_the_instance_the_call_makes(tmp_path: Path) -> None:
    """`kms_key_arn = module.key.arn` where the local module outputs aws_kms_key.this.arn is set; an output that
    hands back the caller's argument is that argument (null: as if omitted); a registry module's output, or one the
    module does not declare, stays unknown. (Every module output was unknown.)"""
    found = _keys_from_modules(
        tmp_path, 'variable "given" {\n  default = null\n}\noutput "given" {\n  value = var.given\n}\n',
        'module "key" {\n  source = "./key"\n}\nmodule "remote" {\n  source = "terraform-aws-modules/kms/aws"\n}\n',
        {"own": "module.key.arn", "given": "module.key.given", "remote": "module.remote.arn",
         "undeclared": "module.key.nothing"})
    assert found == {"own": "pass", "given": "fail", "remote": "unknown", "undeclared": "unknown"}


def _keys_from_modules(tmp_path: Path, module: str, calls: str, configs: dict[str, str]) -> dict[str, str]:
    """SM-EC-01 of one endpoint configuration per `configs` entry (name -> its kms_key_arn expression), beside the
    module calls `calls` of a local module ./key that makes a key and outputs its arn (and whatever `module` adds)."""
    (tmp_path / "key").mkdir()
    (tmp_path / "key" / "main.tf").write_text(
        'resource "aws_kms_key" "this" {}\noutput "arn" {\n  value = aws_kms_key.this.arn\n}\n' + module)
    (tmp_path / "main.tf").write_text(
        calls + "".join(f'resource "aws_sagemaker_endpoint_configuration" "{name}" {{\n  name = "{name}"\n'
                        f'  kms_key_arn = {expression}\n}}\n' for name, expression in configs.items()))
    return {f.resource.split(".")[-1]: f.status for f in audit_paths([tmp_path], K, tmp_path).findings
            if f.control == "SM-EC-01"}


def test_filebase64_reads_the_script_a_lifecycle_configuration_sends(tmp_path: Path) -> None:
    (tmp_path / "on-start.sh").write_text("#!/bin/bash\nexport WANDB_API_KEY=4c5d6e7f8a9b0c1d2e3f\n")
    (tmp_path / "clean.sh").write_text("#!/bin/bash\necho ready\n")
    (tmp_path / "main.tf").write_text(
        'resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "leaky" {\n  name = "a"\n'
        '  on_start = filebase64("${path.module}/on-start.sh")\n}\n'
        'resource "aws_sagemaker_notebook_instance_lifecycle_configuration" "clean" {\n  name = "b"\n'
        '  on_start = filebase64("${path.module}/clean.sh")\n}\n')
    found = {f.resource: f.status for f in audit_paths([tmp_path / "main.tf"], K, tmp_path).findings
             if f.control == "SM-NB-08" and f.field == "on_start"}
    assert found == {"aws_sagemaker_notebook_instance_lifecycle_configuration.leaky": "fail",
                     "aws_sagemaker_notebook_instance_lifecycle_configuration.clean": "pass"}


def test_an_output_of_a_module_called_with_for_each_or_count_is_read_through_its_instance(tmp_path: Path) -> None:
    """`module.keys["serving"].arn` and `module.counted[0].arn` are the outputs of those instances (set, as the
    modules' keys are); an instance the call does not make (`module.keys["nope"]`) stays unknown."""
    found = _keys_from_modules(
        tmp_path, 'variable "purpose" {}\n',
        'module "keys" {\n  for_each = toset(["serving"])\n  source = "./key"\n  purpose = each.key\n}\n'
        'module "counted" {\n  count = 1\n  source = "./key"\n  purpose = "x"\n}\n',
        {"keyed": 'module.keys["serving"].arn', "counted": "module.counted[0].arn",
         "absent": 'module.keys["nope"].arn', "beyond": "module.counted[1].arn"})
    assert found == {"keyed": "pass", "counted": "pass", "absent": "unknown", "beyond": "unknown"}


def test_try_and_can_fall_back_as_terraform_does() -> None:
    """try() is its first argument that evaluates without an error (a missing attribute, an index past the end),
    can() whether one does; an argument not known here leaves the answer unknown. Both were unknown, so a module's
    `try(each.value.kms_key_arn, null)` could not be judged."""
    scope = Scope({"config": {"key": "alias/k"}, "items": [1]}, {})
    assert scope.expression("try(var.config.missing, null)") is None
    assert scope.expression("try(var.config.key, null)") == "alias/k"
    assert scope.expression('try(var.items[3], "x")') == "x"
    assert scope.expression("can(var.config.missing) ? 1 : 2") == 2
    assert scope.expression("can(var.config.key)") is True
    assert isinstance(scope.expression("try(aws_kms_key.k.arn, null)"), Reference)
    for unknown in ("try(var.undeclared, 1)", "can(var.undeclared)"):
        assert isinstance(scope.expression(unknown), Unknown) and not isinstance(scope.expression(unknown), Reference)


def test_can_is_true_for_an_argument_that_evaluates_to_false_or_null() -> None:
    """can() says whether its argument evaluated, not what it evaluated to: can(var.flag) with flag = false is
    true in Terraform (it was false here, the success and the value being one list item)."""
    scope = Scope({"flag": False, "none": None, "config": {}}, {})
    assert scope.expression("can(var.flag)") is True
    assert scope.expression("can(var.none)") is True
    assert scope.expression("can(var.config.missing)") is False
    assert scope.expression("try(var.flag, true)") is False


def test_try_and_can_catch_a_function_s_error_but_not_a_malformed_expression() -> None:
    """tonumber("x") is an error of evaluation, which try() and can() catch (they stayed unknown); text that is no
    expression is a configuration Terraform refuses, so it stays unknown rather than falling back."""
    scope = Scope({"size": "x", "items": [1]}, {})
    assert scope.expression("can(tonumber(var.size))") is False
    assert scope.expression("try(tonumber(var.size), 3)") == 3
    assert scope.expression('can(tonumber("2"))') is True
    for malformed in ("try(var.items[, 3)", "can(var.items ])", "try(1 +, 2)", "try(var.items"):  # (two looped)
        assert isinstance(scope.expression(malformed), Unknown), malformed
