"""Numbered forward migrations. Append only: a deployed database has run every earlier step exactly once."""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, str]] = [
    (
        1,
        "participants, answers, outbox, inbox",
        """
        CREATE TABLE participants (
            id              INTEGER PRIMARY KEY,
            pseudonym       TEXT NOT NULL UNIQUE,
            channel         TEXT NOT NULL,
            address         TEXT NOT NULL,
            stage           TEXT NOT NULL,
            language        TEXT,
            community       TEXT NOT NULL DEFAULT 'default',
            role            TEXT,
            consent_version TEXT,
            consent_at      TEXT,
            paused          INTEGER NOT NULL DEFAULT 0,
            active          INTEGER NOT NULL DEFAULT 1,
            conversation    TEXT,
            prompt          TEXT,
            pending         TEXT,
            created_at      TEXT NOT NULL,
            updated_at      TEXT NOT NULL,
            UNIQUE (channel, address)
        );
        CREATE TABLE answers (
            id             INTEGER PRIMARY KEY,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            conversation   TEXT NOT NULL,
            prompt_id      TEXT NOT NULL,
            answer_type    TEXT NOT NULL,
            value          TEXT NOT NULL,
            minority       INTEGER NOT NULL DEFAULT 0,
            walk_stop      TEXT,
            moderation     TEXT NOT NULL DEFAULT 'pending',
            created_at     TEXT NOT NULL,
            updated_at     TEXT NOT NULL
        );
        CREATE INDEX answers_by_conversation ON answers (conversation, prompt_id);
        CREATE INDEX answers_by_participant ON answers (participant_id);
        CREATE TABLE outbox (
            id             INTEGER PRIMARY KEY,
            participant_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,
            channel        TEXT NOT NULL,
            address        TEXT NOT NULL,
            kind           TEXT NOT NULL,
            payload        TEXT NOT NULL,
            due_at         TEXT NOT NULL,
            scheduled      INTEGER NOT NULL DEFAULT 0,
            status         TEXT NOT NULL DEFAULT 'pending',
            attempts       INTEGER NOT NULL DEFAULT 0,
            last_error     TEXT,
            created_at     TEXT NOT NULL,
            sent_at        TEXT
        );
        CREATE INDEX outbox_due ON outbox (channel, status, due_at);
        CREATE INDEX outbox_by_participant ON outbox (participant_id);
        CREATE TABLE inbox (
            channel     TEXT NOT NULL,
            update_key  TEXT NOT NULL,
            address     TEXT,
            raw         TEXT NOT NULL,
            received_at TEXT NOT NULL,
            done_at     TEXT,
            PRIMARY KEY (channel, update_key)
        );
        CREATE INDEX inbox_open ON inbox (channel, done_at);
        """,
    ),
    (
        2,
        "per-feature participant state",
        """
        ALTER TABLE participants ADD COLUMN features TEXT NOT NULL DEFAULT '{}'
        """,
    ),
    (
        3,
        "walks: group walks led by a volunteer, and who walks along",
        """
        CREATE TABLE walk_groups (
            id         INTEGER PRIMARY KEY,
            code       TEXT NOT NULL UNIQUE,
            walk       TEXT NOT NULL,
            channel    TEXT NOT NULL,
            chat       TEXT NOT NULL,
            volunteer  TEXT NOT NULL,
            language   TEXT NOT NULL,
            stop       INTEGER NOT NULL DEFAULT -1,
            stop_at    TEXT,
            status     TEXT NOT NULL DEFAULT 'open',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX walk_groups_by_chat ON walk_groups (channel, chat, status);
        CREATE TABLE walk_members (
            group_id       INTEGER NOT NULL REFERENCES walk_groups(id) ON DELETE CASCADE,
            channel        TEXT NOT NULL,
            address        TEXT NOT NULL,
            participant_id INTEGER REFERENCES participants(id) ON DELETE CASCADE,
            name           TEXT,
            reflection     INTEGER NOT NULL DEFAULT 0,
            finished_at    TEXT,
            joined_at      TEXT NOT NULL,
            PRIMARY KEY (group_id, channel, address)
        );
        CREATE INDEX walk_members_by_participant ON walk_members (participant_id, finished_at);
        CREATE INDEX walk_members_by_address ON walk_members (channel, address)
        """,
    ),
    (
        4,
        "organisers, their actions, announcements, safeguarding flags",
        """
        CREATE TABLE organisers (
            channel    TEXT NOT NULL,
            address    TEXT NOT NULL,
            active     INTEGER NOT NULL DEFAULT 1,
            added_by   TEXT NOT NULL,
            added_at   TEXT NOT NULL,
            removed_at TEXT,
            PRIMARY KEY (channel, address)
        );
        CREATE TABLE organiser_actions (
            id         INTEGER PRIMARY KEY,
            organiser  TEXT NOT NULL,
            action     TEXT NOT NULL,
            detail     TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE INDEX organiser_actions_by_time ON organiser_actions (created_at);
        CREATE TABLE announcements (
            id         INTEGER PRIMARY KEY,
            community  TEXT NOT NULL,
            texts      TEXT NOT NULL,
            status     TEXT NOT NULL DEFAULT 'draft',
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            sent_at    TEXT,
            recipients INTEGER
        );
        CREATE TABLE safeguarding_flags (
            id             INTEGER PRIMARY KEY,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            answer_id      INTEGER REFERENCES answers(id) ON DELETE CASCADE,
            words          TEXT NOT NULL,
            created_at     TEXT NOT NULL,
            handled_by     TEXT,
            handled_at     TEXT
        );
        CREATE INDEX safeguarding_by_participant ON safeguarding_flags (participant_id);
        CREATE INDEX answers_by_moderation ON answers (moderation, answer_type)
        """,
    ),
    (
        5,
        "follow-ups: meetings, invitations and RSVPs, ideas and their status, minority-round marks",
        """
        CREATE TABLE meetings (
            id          TEXT PRIMARY KEY,
            community   TEXT NOT NULL,
            starts_at   TEXT NOT NULL,
            ends_at     TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            cancelled   INTEGER NOT NULL DEFAULT 0,
            first_seen  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );
        CREATE TABLE meeting_invites (
            meeting        TEXT NOT NULL REFERENCES meetings(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            rsvp           TEXT,
            invited_at     TEXT NOT NULL,
            answered_at    TEXT,
            PRIMARY KEY (meeting, participant_id)
        );
        CREATE INDEX meeting_invites_by_participant ON meeting_invites (participant_id);
        CREATE TABLE ideas (
            id          TEXT PRIMARY KEY,
            meeting     TEXT,
            community   TEXT NOT NULL,
            theme       TEXT NOT NULL,
            text        TEXT NOT NULL,
            status      TEXT NOT NULL,
            reason      TEXT,
            source      TEXT NOT NULL,
            file_status TEXT,
            status_at   TEXT NOT NULL,
            flagged_at  TEXT,
            created_at  TEXT NOT NULL
        );
        CREATE INDEX ideas_by_community ON ideas (community, status);
        CREATE TABLE idea_history (
            id         INTEGER PRIMARY KEY,
            idea       TEXT NOT NULL REFERENCES ideas(id) ON DELETE CASCADE,
            status     TEXT NOT NULL,
            reason     TEXT,
            changed_by TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            announce_at  TEXT NOT NULL,
            announced_at TEXT,
            recipients INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX idea_history_by_idea ON idea_history (idea);
        CREATE INDEX idea_news_waiting ON idea_history (announce_at) WHERE announced_at IS NULL;
        CREATE TABLE followup_marks (
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            kind           TEXT NOT NULL,
            key            TEXT NOT NULL,
            state          TEXT NOT NULL,
            at             TEXT NOT NULL,
            PRIMARY KEY (participant_id, kind, key)
        );
        CREATE INDEX participants_by_community ON participants (community, stage);
        CREATE INDEX outbox_by_kind ON outbox (kind, status)
        """,
    ),
    (
        6,
        "answer edits keep their history; answers know the message that gave them",
        """
        ALTER TABLE answers ADD COLUMN source_ref TEXT;
        CREATE INDEX answers_by_source ON answers (participant_id, source_ref);
        CREATE TABLE answer_history (
            id         INTEGER PRIMARY KEY,
            answer_id  INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
            value      TEXT NOT NULL,
            replaced_at TEXT NOT NULL
        );
        CREATE INDEX answer_history_by_answer ON answer_history (answer_id)
        """,
    ),
    (
        8,
        "voices reach the meeting: media kept, transcripts, machine translations, and the durable job queue",
        """
        CREATE TABLE media (
            answer_id      INTEGER PRIMARY KEY REFERENCES answers(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            kind           TEXT NOT NULL,
            source         TEXT NOT NULL,
            path           TEXT,
            bytes          INTEGER,
            status         TEXT NOT NULL DEFAULT 'waiting',
            created_at     TEXT NOT NULL
        );
        CREATE INDEX media_by_participant ON media (participant_id);
        CREATE TABLE transcripts (
            answer_id    INTEGER PRIMARY KEY REFERENCES answers(id) ON DELETE CASCADE,
            text         TEXT NOT NULL,
            language     TEXT,
            engine       TEXT NOT NULL,
            created_at   TEXT NOT NULL,
            confirmed_at TEXT,
            corrected    TEXT
        );
        CREATE TABLE translations (
            answer_id       INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
            field           TEXT NOT NULL,
            source_language TEXT,
            target          TEXT NOT NULL,
            text            TEXT NOT NULL,
            engine          TEXT NOT NULL,
            created_at      TEXT NOT NULL,
            PRIMARY KEY (answer_id, field, target)
        );
        CREATE TABLE jobs (
            id          INTEGER PRIMARY KEY,
            kind        TEXT NOT NULL,
            answer_id   INTEGER NOT NULL REFERENCES answers(id) ON DELETE CASCADE,
            data        TEXT NOT NULL DEFAULT '{}',
            status      TEXT NOT NULL DEFAULT 'pending',
            attempts    INTEGER NOT NULL DEFAULT 0,
            completions INTEGER NOT NULL DEFAULT 0,
            due_at      TEXT NOT NULL,
            last_error  TEXT,
            created_at  TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE INDEX jobs_due ON jobs (status, due_at);
        CREATE INDEX jobs_by_answer ON jobs (answer_id)
        """,
    ),
    (
        9,
        "safeguarding flags kept until an organiser is told; organisers' own language",
        """
        ALTER TABLE safeguarding_flags ADD COLUMN told_at TEXT;
        ALTER TABLE safeguarding_flags ADD COLUMN detail TEXT NOT NULL DEFAULT '{}';
        CREATE INDEX safeguarding_untold ON safeguarding_flags (told_at) WHERE told_at IS NULL;
        CREATE TABLE organiser_languages (
            channel    TEXT NOT NULL,
            address    TEXT NOT NULL,
            language   TEXT NOT NULL,
            changed_at TEXT NOT NULL,
            PRIMARY KEY (channel, address)
        )
        """,
    ),
    (
        10,
        "a safeguarding flag knows its kinds (suicide, violence, ...), so the care message fits it",
        """
        ALTER TABLE safeguarding_flags ADD COLUMN kinds TEXT NOT NULL DEFAULT '[]'
        """,
    ),
    (
        11,
        "faults: updates set aside with their error; a retried message remembers when it was first due",
        """
        ALTER TABLE inbox ADD COLUMN error TEXT;
        ALTER TABLE outbox ADD COLUMN first_due_at TEXT
        """,
    ),
    (
        12,
        "a network of communities: organisers per community, rounds opened and closed, walk dates, audiences",
        """
        CREATE TABLE organiser_communities (
            channel   TEXT NOT NULL,
            address   TEXT NOT NULL,
            community TEXT NOT NULL,
            PRIMARY KEY (channel, address, community)
        );
        CREATE TABLE round_status (
            conversation TEXT PRIMARY KEY,
            community    TEXT NOT NULL,
            opened_at    TEXT,
            closed_at    TEXT,
            closed_by    TEXT,
            results_at   TEXT
        );
        CREATE TABLE walk_dates (
            id         INTEGER PRIMARY KEY,
            walk       TEXT NOT NULL,
            community  TEXT NOT NULL,
            starts_at  TEXT NOT NULL,
            status     TEXT NOT NULL DEFAULT 'open',
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL
        );
        CREATE INDEX walk_dates_by_community ON walk_dates (community, starts_at);
        CREATE TABLE walk_date_people (
            walk_date      INTEGER NOT NULL REFERENCES walk_dates(id) ON DELETE CASCADE,
            participant_id INTEGER NOT NULL REFERENCES participants(id) ON DELETE CASCADE,
            part           TEXT NOT NULL,
            rsvp           TEXT,
            at             TEXT NOT NULL,
            PRIMARY KEY (walk_date, participant_id, part)
        );
        CREATE INDEX walk_date_people_by_participant ON walk_date_people (participant_id);
        ALTER TABLE announcements ADD COLUMN audience TEXT NOT NULL DEFAULT '{}'
        """,
    ),
    (
        16,
        "delivery: a message sent in parts remembers how many of its parts went",
        """
        ALTER TABLE outbox ADD COLUMN parts_sent INTEGER NOT NULL DEFAULT 0
        """,
    ),
    # Reserved numbers, so features built side by side never collide: 3 walks, 4 organisers, 5 follow-ups
    # (meetings, ideas, minority round), 6 hardening (edits, flood control, retention).
]
