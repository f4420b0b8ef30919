-- Every message is claimed, then marked sent: two updates of each outbox row soon after its insert.
-- Room left in each page keeps the claim's new row version in the same page (a HOT update, with no
-- new index entries), where a full page made each one a new entry in every index. Existing pages are
-- left as they are; new ones keep the room.
ALTER TABLE "outbox" SET (fillfactor = 70);
