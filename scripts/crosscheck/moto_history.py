"""Reads a moto execution history as state visits and compares it with the local engine's.

A visit is one entry into a state: its name, the Map iteration it ran in, its input and its
output. Both engines run Parallel branches and Map iterations concurrently, so their visits
interleave differently; each is therefore compared per *lane*: the states of one Parallel
branch or of one Map iteration (or the top level), which run one at a time and in a fixed
order. Lanes come from the definition itself (state names are unique in a state machine), so
nothing here knows the workflow's state names.
"""

import json

# Where a moto history event opens or closes a Map state, when walking previousEventId back.
_MAP_CLOSERS = {"MapStateSucceeded", "MapStateFailed", "MapStateAborted"}


def canonical(value):
    """One text per JSON value: the key for matching a Lambda payload to its recording."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def lanes_of(definition):
    """Each state name -> the lane that runs it: '' (top level), 'Parallel#i' or 'Map'."""
    lanes = {}

    def walk(states, lane):
        for name, state in states.items():
            lanes[name] = lane
            for i, branch in enumerate(state.get("Branches") or []):
                walk(branch["States"], f"{name}#{i}")
            processor = state.get("ItemProcessor") or state.get("Iterator")
            if processor:
                walk(processor["States"], name)

    walk(definition["States"], "")
    return lanes


def _iteration_index(event_id, by_id, memo):
    """The index of the innermost Map iteration an event ran in, or None at any other level."""
    path, depth, current, found = [], 0, event_id, None
    while current:
        if depth == 0 and current in memo:
            found = memo[current]
            break
        event = by_id[current]
        path.append(current)
        kind = event["type"]
        if kind in _MAP_CLOSERS:
            depth += 1
        elif kind == "MapStateStarted" and depth > 0:
            depth -= 1
        elif kind == "MapIterationStarted" and depth == 0:
            found = event["mapIterationStartedEventDetails"]["index"]
            break
        current = event.get("previousEventId") or 0
    for walked in path:
        memo[walked] = found
    return found


def visits_from_history(events):
    """The state visits of a moto execution history, in event order."""
    by_id = {event["id"]: event for event in events}
    memo, visits = {}, []
    for event in events:
        kind = event["type"]
        if kind.endswith("StateEntered"):
            details = event["stateEnteredEventDetails"]
            visits.append(
                {
                    "name": details["name"],
                    "index": _iteration_index(event["id"], by_id, memo),
                    "input": json.loads(details.get("input") or "null"),
                }
            )
        elif kind.endswith("StateExited"):
            details = event["stateExitedEventDetails"]
            open_visits = [v for v in visits if v["name"] == details["name"] and "output" not in v]
            if len(open_visits) > 1:
                # The same state running in several Map iterations at once: tell them apart by
                # iteration. (A Map or Parallel state's exit follows its last iteration's events,
                # so the walk back from it is only asked when it must be.)
                index = _iteration_index(event["id"], by_id, memo)
                open_visits = [v for v in open_visits if v["index"] == index]
            if open_visits:
                open_visits[-1]["output"] = json.loads(details.get("output") or "null")
    return visits


def _by_lane(visits, lanes):
    grouped = {}
    for visit in visits:
        lane = lanes.get(visit["name"], "?")
        # A Map iteration is a lane of its own; elsewhere the engine's index means nothing.
        index = visit.get("index") if lane and "#" not in lane else None
        grouped.setdefault((lane, index), []).append(visit)
    return grouped


def first_difference(left, right, path="$"):
    """The JSONPath of the first place two JSON values differ, or None when they are equal."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            if key not in left or key not in right:
                return f"{path}.{key} ({'only in moto' if key in right else 'only local'})"
            found = first_difference(left[key], right[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(left, list) and isinstance(right, list):
        if len(left) != len(right):
            return f"{path} (length {len(left)} local, {len(right)} moto)"
        for i, (a, b) in enumerate(zip(left, right)):
            found = first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    if canonical(left) != canonical(right):
        return f"{path} ({canonical(left)[:120]} local, {canonical(right)[:120]} moto)"
    return None


def compare_states(local_visits, moto_visits, lanes):
    """Disagreements between the two engines' visits, lane by lane."""
    found = []
    local, moto = _by_lane(local_visits, lanes), _by_lane(moto_visits, lanes)
    for key in sorted(set(local) | set(moto), key=lambda k: (k[0], -1 if k[1] is None else k[1])):
        lane = key[0] or "top level"
        where = lane if key[1] is None else f"{lane} iteration {key[1]}"
        ours, theirs = local.get(key, []), moto.get(key, [])
        names = [v["name"] for v in ours], [v["name"] for v in theirs]
        if names[0] != names[1]:
            at = next((i for i, pair in enumerate(zip(*names)) if pair[0] != pair[1]), min(map(len, names)))
            found.append(
                {
                    "kind": "path",
                    "state": (names[0][at:at + 1] or names[1][at:at + 1] or ["?"])[0],
                    "detail": f"{where}: local went {names[0][at:at + 3]}, moto went {names[1][at:at + 3]} "
                    f"(after {at} states in agreement)",
                }
            )
            continue
        for i, (a, b) in enumerate(zip(ours, theirs)):
            if "error" in a and "output" not in a and "output" in b and i + 1 < len(ours):
                # A caught error: the local engine logs the state as failed and caught (no exit),
                # moto logs an exit whose output is the Catch's result. That result is what the
                # Catch's Next state received locally: compare it with that state's input.
                a = {**a, "output": ours[i + 1]["input"]}
            for field in ("input", "output"):
                if field not in a and field not in b:
                    continue
                if (field in a) != (field in b):
                    has = "local" if field in a else "moto"
                    detail = f"{where}: only {has} has one"
                    found.append({"kind": f"state {field}", "state": a["name"], "detail": detail})
                    continue
                diff = first_difference(a[field], b[field])
                if diff:
                    found.append({"kind": f"state {field}", "state": a["name"], "detail": f"{where}: {diff}"})
    return found


def _as_json(text):
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text


def compare_end(expected, described):
    """Status, output, error and cause of the execution as a whole."""
    found = []
    status = described["status"]
    if status != expected["status"]:
        found.append({"kind": "status", "detail": f"local {expected['status']}, moto {status}"})
        return found
    if status == "SUCCEEDED":
        diff = first_difference(expected["output"], _as_json(described.get("output")))
        if diff:
            found.append({"kind": "output", "detail": diff})
    for field in ("error", "cause"):
        theirs = described.get(field)
        ours = expected.get(field)
        # Lambda causes are JSON text; both engines' escaping of it differs, not its meaning.
        if theirs != ours and first_difference(_as_json(ours), _as_json(theirs)):
            found.append({"kind": field, "detail": f"local {str(ours)[:200]!r}, moto {str(theirs)[:200]!r}"})
    return found
