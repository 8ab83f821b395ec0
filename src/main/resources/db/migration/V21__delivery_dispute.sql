-- ADR 0019: the delivery of a record corrected in answer to a dispute keeps the dispute's id, which
-- its envelope (version 2) names and signs. Null for every other delivery, whose envelope stays
-- version 1. Text, not uuid: a peer hub's correction arrives with the id its own hub gave.
alter table delivery add column dispute_id text;
