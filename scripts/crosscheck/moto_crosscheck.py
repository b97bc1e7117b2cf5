#!/usr/bin/env python3
"""Replays local-engine executions on moto's Step Functions interpreter and compares them.

Usage: moto_crosscheck.py <cases.json>   (written by scripts/crosscheck.ts; prints one JSON report)

Each case holds a definition, an input, the execution's name and ARN, the Lambda Task I/O the
local engine recorded, and what the local engine saw (states, status, output, error, cause).
moto 5.2.1 runs the same definition in-process (no server). Its Lambda calls are answered from
the recording, matched by state name AND the exact payload moto built, in order (a retried Task
is answered fail-then-succeed, as it ran locally); a call that matches no recording is a
disagreement: moto built a different input for that state. Waits and Retry intervals are
skipped, so nothing sleeps in real time. Standard library + moto only.
"""

import functools
import json
import logging
import os
import sys
import threading
import time
from collections import deque

sys.dont_write_bytecode = True  # leave no __pycache__ beside the scripts
from moto_history import canonical, compare_end, compare_states, lanes_of, visits_from_history

# What a missing recording answers with: the execution then ends soon, and is reported.
NO_RECORDING = "CrosscheckNoRecording"
# How long an answer waits for the answers recorded before it (normally microseconds).
ORDER_WAIT_SECONDS = 2


class TaskAnswers:
    """The recorded Lambda answers of one execution, by (state, canonical payload), in order.

    Answers are also given in the order the local engine's invocations ended. Parallel
    branches and Map iterations race in both engines; the local engine races them on simulated
    time (a Wait takes its minutes), moto with every Wait skipped. Holding each answer until the
    ones recorded before it were given makes moto's branches reach a failure at the same point
    as the local run did, so a branch stopped by its sibling's failure stops at the same state.
    """

    def __init__(self, tasks):
        self.pending = {}
        for seq, task in enumerate(tasks):
            key = (task["state"], canonical(task["payload"]))
            self.pending.setdefault(key, deque()).append((seq, task))
        self.given = [False] * len(tasks)
        self.first_open = 0  # every answer before this one was given
        self.in_order = True
        self.unmatched = []
        self.changed = threading.Condition()

    def answer(self, state, payload):
        with self.changed:
            queue = self.pending.get((state, canonical(payload)))
            if not queue:
                self.unmatched.append({"state": state, "payload": payload})
                message = f"no recorded call of {state} with this payload"
                return {"error": {"errorType": NO_RECORDING, "errorMessage": message}}
            seq, task = queue.popleft()
            # moto made a call the local run did not make first: stop ordering, answer at once.
            if self.in_order:
                self.in_order = self.changed.wait_for(lambda: self.first_open >= seq, ORDER_WAIT_SECONDS)
            self.given[seq] = True
            while self.first_open < len(self.given) and self.given[self.first_open]:
                self.first_open += 1
            self.changed.notify_all()
            return task

    def left_over(self):
        return [task for queue in self.pending.values() for _seq, task in queue]


class Patches:
    """Everything moto needs replaced to run offline, instantly and answered from a recording."""

    def __init__(self):
        # Executions run one at a time: what the one running now is answered with and started at.
        self.answers = None
        self.start_time = None
        self.current_state = threading.local()

    def install(self):
        from moto.stepfunctions.parser.asl.component.common.path import result_path
        from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
        from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
        from moto.stepfunctions.parser.asl.component.state.exec.state_task import state_task_lambda
        from moto.stepfunctions.parser.asl.component.state.wait.wait_function import wait_function
        from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
        from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor
        from moto.stepfunctions.parser.asl.utils import json_path
        from moto.stepfunctions.parser.backend import execution, execution_worker

        StateTaskLambda = state_task_lambda.StateTaskLambda
        Execution = execution.Execution

        patches = self
        # jsonpath_ng builds a whole PLY parser (tables, lexer checks) for every path it parses:
        # that was 90 % of moto's time. Parsed paths are not changed by use, so keep them.
        json_path.parse = functools.lru_cache(maxsize=None)(json_path.parse)
        result_path.parse = functools.lru_cache(maxsize=None)(result_path.parse)

        # moto lexes and parses the definition with a Python ANTLR parser at CreateStateMachine
        # and again at every start (~0.2 s for ours). Keep each definition's syntax tree; every
        # execution still gets evaluation components of its own, built from the tree.
        parse_definition, trees = AmazonStateLanguageParser.parse, {}

        def parse_once(definition):
            if definition not in trees:
                program, trees[definition] = parse_definition(definition)
                return program, trees[definition]
            return Preprocessor().visit(trees[definition]), trees[definition]

        AmazonStateLanguageParser.parse = staticmethod(parse_once)
        # Run each execution in the StartExecution call, as moto's own StartSyncExecution does:
        # no thread to poll, and the execution has ended when the call returns.
        execution_worker.ExecutionWorker.start = execution_worker.SyncExecutionWorker.start
        wait_function.WaitFunction._wait_interval = lambda _self, env, wait_seconds: None

        class NoSleep:
            """The `time` module as retrier_decl sees it: a Retry interval passes at once."""

            def __getattr__(self, name):
                return getattr(time, name)

            @staticmethod
            def sleep(_seconds):
                return None

        retrier_decl.time = NoSleep()

        # The Lambda call is not told its state: remember it in the thread that makes the call.
        eval_execution = StateTaskLambda._eval_execution

        def remembering_eval_execution(task_self, env):
            patches.current_state.name = task_self.name
            return eval_execution(task_self, env)

        StateTaskLambda._eval_execution = remembering_eval_execution

        def invoke(parameters, region, state_credentials):
            payload = json.loads(parameters["Payload"])
            task = patches.answers.answer(patches.current_state.name, payload)
            if "error" in task:
                body = {**task["error"], "trace": []}  # what Lambda returns for an unhandled error
                return {"StatusCode": 200, "FunctionError": "Unhandled", "Payload": body}
            return {"StatusCode": 200, "Payload": task["result"]}

        lambda_eval_utils._invoke_lambda_function = invoke

        # moto starts executions at the real time now and hands $$.Execution.StartTime to the
        # definition as a Python datetime; the local engine runs on simulated time and AWS
        # documents the field as an ISO 8601 string. Give moto the local run's start string.
        start_details = Execution.get_start_execution_details

        def start_details_at_local_start(execution_self):
            details = start_details(execution_self)
            if patches.start_time is not None:
                details.start_time = patches.start_time
            return details

        Execution.get_start_execution_details = start_details_at_local_start


def arn_parts(execution_arn):
    # arn:aws:states:<region>:<account>:execution:<state machine>:<execution>
    parts = execution_arn.split(":")
    return {"region": parts[3], "account": parts[4], "machine": parts[6], "name": parts[7]}


def run_on_moto(client, patches, case):
    """Creates the state machine, runs the execution to its end; its description and history."""
    parts = arn_parts(case["executionArn"])
    patches.answers = TaskAnswers(case["tasks"])
    patches.start_time = case.get("startTime")
    machine = client.create_state_machine(
        name=parts["machine"],
        definition=json.dumps(case["definition"]),
        roleArn=f"arn:aws:iam::{parts['account']}:role/{parts['machine']}",
    )["stateMachineArn"]
    try:
        started = client.start_execution(
            stateMachineArn=machine, name=case["executionName"], input=json.dumps(case["input"])
        )
        arn = started["executionArn"]
        described = client.describe_execution(executionArn=arn)
        events, token = [], None
        while True:
            paging = {"nextToken": token} if token else {}
            page = client.get_execution_history(executionArn=arn, maxResults=1000, **paging)
            events.extend(page["events"])
            token = page.get("nextToken")
            if not token:
                return arn, described, events
    finally:
        # moto deep-copies the state machine at each start, and through it every execution of
        # the region (threads and locks included): only a region without old executions works.
        client.delete_state_machine(stateMachineArn=machine)


def run_case(client_for, patches, case):
    verdict = {"id": case["id"], "states": len(case["expected"]["states"]), "tasks": len(case["tasks"])}
    client = client_for(arn_parts(case["executionArn"])["region"])
    try:
        arn, described, events = run_on_moto(client, patches, case)
    except Exception as error:  # moto itself failed: a disagreement of its own kind, reported
        failure = {"kind": "moto failed", "detail": f"{type(error).__name__}: {str(error)[:500]}"}
        moto = {"error": None, "cause": None}
        return {**verdict, "status": "ERROR", "moto": moto, "agree": False, "disagreements": [failure]}

    answers = patches.answers
    disagreements = []
    if not answers.in_order:
        detail = "moto's Lambda calls could not follow the order of the local run"
        disagreements.append({"kind": "task order", "detail": detail})
    if arn != case["executionArn"]:
        disagreements.append({"kind": "execution ARN", "detail": f"local {case['executionArn']}, moto {arn}"})
    for call in answers.unmatched:
        detail = f"moto built a different input for state {call['state']}"
        state, payload = call["state"], call["payload"]
        disagreements.append({"kind": "task input", "state": state, "detail": detail, "payload": payload})
    for task in answers.left_over():
        detail = f"moto did not call {task['state']} as the local engine did"
        disagreements.append({"kind": "task not called", "state": task["state"], "detail": detail})
    expected = case["expected"]
    lanes = lanes_of(case["definition"])
    disagreements += compare_states(expected["states"], visits_from_history(events), lanes)
    disagreements += compare_end(expected, described)
    return {
        **verdict,
        "status": described["status"],
        "moto": {"error": described.get("error"), "cause": described.get("cause")},
        "agree": not disagreements,
        "disagreements": disagreements,
    }


def main():
    started = time.monotonic()
    with open(sys.argv[1], encoding="utf-8") as source:
        cases = json.load(source)["cases"]
    accounts = {arn_parts(case["executionArn"])["account"] for case in cases}
    if len(accounts) > 1:
        raise SystemExit(f"one account per run, got {sorted(accounts)}")
    # moto reads its account id once, at import: set it before the first moto import.
    os.environ["MOTO_ACCOUNT_ID"] = accounts.pop() if accounts else "123456789012"
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = "testing"
    # moto logs every caught state failure with its whole parse tree.
    logging.disable(logging.CRITICAL)

    import boto3
    from moto import mock_aws

    patches = Patches()
    patches.install()
    results = []
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        clients = {}

        def client_for(region):
            if region not in clients:
                clients[region] = boto3.client("stepfunctions", region_name=region)
            return clients[region]

        for case in cases:
            case_started = time.monotonic()
            verdict = run_case(client_for, patches, case)
            results.append({**verdict, "seconds": round(time.monotonic() - case_started, 3)})
    report = {
        "engine": "moto",
        "executions": len(results),
        "agree": sum(1 for result in results if result["agree"]),
        "seconds": round(time.monotonic() - started, 2),
        "results": results,
    }
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
