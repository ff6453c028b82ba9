-- The wrk side of bench/intake/stripe-events: each wrk thread posts its own share of the pre-signed distinct
-- Stripe events, one after another, so no request goes out twice in a run. Loaded by the generated wrk.lua, which
-- sets stripe_events = {dir = …, threads = …, label = …}.
--
-- The request is wrk.format's, built once at init with markers where the event id and the signature go and cut
-- there; request() joins the cuts with the next event's id and signature, taken by offset from the thread's file
-- (read whole; its event lines all have one length). So a request costs one concatenation (~1 µs; wrk shares the
-- two cores with the servers), and init only reads the file (tens of ms): wrk starts each thread's load as soon
-- as that thread's init returns, while later threads still run theirs, and counts it all against the run's time.
-- A thread that runs out of events starts over and says so in done(): bench/intake/run then fails.

local threads = {}

function setup(thread)
    threads[#threads + 1] = thread
    thread:set("thread_number", #threads)
end

local events, id_length, line_length, parts
taken, count, repeated = 0, 0, false

-- The request of event n of this thread.
local function request_for(n)
    local o = (n - 1) * line_length + 1
    return parts[1] .. events:sub(o + id_length + 1, o + line_length - 2) .. parts[2] ..
        events:sub(o, o + id_length - 1) .. parts[3]
end

function init(args)
    assert(thread_number <= stripe_events.threads,
        "stripe-events: wrk runs more threads than the " .. stripe_events.threads .. " generated for")
    local path = stripe_events.dir .. "/thread-" .. thread_number .. ".txt"
    local file = assert(io.open(path, "rb"))
    local prefix, suffix = file:read("*l"), file:read("*l")
    events = file:read("*a")
    file:close()
    -- "<id>\t<signature>\n", every line as long as the first.
    id_length = (events:find("\t", 1, true) or 0) - 1
    line_length = events:find("\n", 1, true) or 0
    count = id_length > 0 and line_length > 0 and #events / line_length or 0
    assert(count >= 1 and count == math.floor(count), "stripe-events: lines of unequal length in " .. path)
    for o = 1, #events, line_length do
        if events:byte(o + id_length) ~= 9 or events:byte(o + line_length - 1) ~= 10 then
            error("stripe-events: line " .. ((o - 1) / line_length + 1) .. " of the events in " .. path ..
                " is not '<id>\\t<signature>' of the first line's widths")
        end
    end

    local function format(id, signature)
        return wrk.format("POST", nil,
            {["Content-Type"] = "application/json", ["Stripe-Signature"] = signature}, prefix .. id .. suffix)
    end
    -- The id marker has the id's length, so Content-Length is the real one.
    local id_mark, signature_mark = string.rep("\1", id_length), "\2"
    local template = format(id_mark, signature_mark)
    local s = template:find(signature_mark, 1, true)
    local i = template:find(id_mark, 1, true)
    assert(s and i and s < i, "stripe-events: wrk.format put the body before the headers")
    parts = {template:sub(1, s - 1), template:sub(s + 1, i - 1), template:sub(i + id_length)}
    for _, n in ipairs({1, count}) do
        local o = (n - 1) * line_length + 1
        local id, signature = events:sub(o, o + id_length - 1), events:sub(o + id_length + 1, o + line_length - 2)
        assert(request_for(n) == format(id, signature), "stripe-events: the cut request differs from wrk.format's")
    end
end

function request()
    taken = taken + 1
    if taken > count then
        repeated = true
        return request_for((taken - 1) % count + 1)
    end
    return request_for(taken)
end

function done(summary, latency, requests)
    local used, generated, short = 0, 0, {}
    for k, thread in ipairs(threads) do
        used, generated = used + math.min(thread:get("taken"), thread:get("count")), generated + thread:get("count")
        if thread:get("repeated") then
            short[#short + 1] =
                string.format("thread %d took %d of its %d", k, thread:get("taken"), thread:get("count"))
        end
    end
    io.write(string.format("Distinct Stripe events (%s): %d of %d generated taken by %d threads\n",
        stripe_events.label, used, generated, #threads))
    if #short > 0 then
        io.write("REPEATED Stripe events, ran out: " .. table.concat(short, "; ") .. "\n")
    end
end
