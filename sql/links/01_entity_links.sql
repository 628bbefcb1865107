-- A surname links to a full name only where that is unambiguous in the warehouse (issue 4): the short key is a
-- one-word PERSON key that longer PERSON keys end with, and every such longer key is part of the longest one.
-- Two people sharing a surname ("bill clinton", "hillary clinton") leave the bare surname its own entity.
-- Built from the keys mentions were loaded with (article_entity_id), never from an earlier refresh, so the links
-- depend only on what is loaded.
delete from entity_links;

insert into entity_links by name
with

mentions as (
    select article_entity_id as entity_id, entity_type from entity_mentions
),

entity_keys as (
    select entity_id, entity_key from entity_keys
),

type_votes as (
    select
        entity_id,
        entity_type,
        count(*) as votes,
    from mentions
    group by entity_id, entity_type
),

-- A key's type is the one most of its mentions have, as in `entities`.
key_types as (
    select
        entity_id,
        first(entity_type order by votes desc, entity_type asc) as entity_type,
    from type_votes
    group by entity_id
),

-- People only: in one article "the Commission" after "European Commission" is that commission, across a
-- warehouse a bare "Commission", "Bank" or "Korea" is any of many.
-- First and last word of each key, so that the joins below are on equal words (hash joins), not on string
-- prefixes and suffixes compared pair by pair across the warehouse.
people as (
    select
        entity_keys.entity_id,
        entity_keys.entity_key,
        contains(entity_keys.entity_key, ' ') as is_several_words,
        string_split(entity_keys.entity_key, ' ')[1] as first_word,
        string_split(entity_keys.entity_key, ' ')[-1] as last_word,
    from entity_keys
    inner join key_types using (entity_id)
    where key_types.entity_type = 'PERSON'
),

-- A key of two or more words is a name already: across a warehouse the longer keys ending with it are mostly
-- spans the model started a word early ("tory liam fox", "lawyer louise christian" on BBC politics).
surnames as (
    select entity_id, entity_key from people
    where not is_several_words
),

-- A word that starts more full names than it ends is a given name ("michael": "michael howard", "michael
-- heseltine", and only "alun michael"), as the gazetteer also judges: alone it does not say who.
names_starting as (
    select first_word as word, count(*) as name_count, from people
    where is_several_words
    group by first_word
),

names_ending as (
    select last_word as word, count(*) as name_count, from people
    where is_several_words
    group by last_word
),

given_names as (
    select surnames.entity_id,
    from surnames
    inner join names_starting on names_starting.word = surnames.entity_key
    left join names_ending on names_ending.word = surnames.entity_key
    where names_starting.name_count > coalesce(names_ending.name_count, 0)
),

candidates as (
    select
        short_form.entity_id,
        full_name.entity_id as linked_entity_id,
        full_name.entity_key as linked_entity_key,
    from surnames as short_form
    anti join given_names using (entity_id)
    inner join people as full_name
        on full_name.is_several_words and full_name.last_word = short_form.entity_key
    -- "Suharto" is not "Citra Group of Suharto": a connector before it makes the longer name another thing's
    -- (the same words as transforms.entities.NAME_CONNECTORS).
    where not regexp_matches(
        left(full_name.entity_key, length(full_name.entity_key) - length(short_form.entity_key)),
        '\b(of|for|and|et|pour|du|des|von|der)\b'
    )
),

longest as (
    select
        entity_id,
        first(linked_entity_id order by length(linked_entity_key) desc, linked_entity_key asc) as linked_entity_id,
        first(linked_entity_key order by length(linked_entity_key) desc, linked_entity_key asc) as linked_entity_key,
        count(*) as candidate_count,
    from candidates
    group by entity_id
),

final as (
    select
        longest.entity_id,
        longest.linked_entity_id,
        case when longest.candidate_count = 1 then 'only_full_name' else 'nested_full_names' end as reason,
    from longest
    inner join candidates using (entity_id)
    group by longest.entity_id, longest.linked_entity_id, longest.candidate_count, longest.linked_entity_key
    having bool_and(longest.linked_entity_key = candidates.linked_entity_key or ends_with(longest.linked_entity_key, ' ' || candidates.linked_entity_key))
)

select * from final;
