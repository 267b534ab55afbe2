-- agg.dropOffLocations on bigquery: hub.toSql(query), placeholders kept
-- parameters:
--   @p0 = 1
with
  `raw` as (
    select
      *,
      (
        select
          if(
            json_type (j) = 'string',
            parse_json (json_value(j), wide_number_mode => 'round'),
            j
          )
        from
          unnest (
            [
              parse_json (
                to_json_string(`value`),
                wide_number_mode => 'round'
              )
            ]
          ) as j
      ) as `v`
    from
      `events` as `data`
  ),
  `extracted` as (
    select
      `event_id`,
      `moment`,
      `v` ['location_stack'] as `location_stack`,
      to_json (
        array(
          select
            e
          from
            unnest (json_query_array(`v` ['global_contexts'])) as e
          with
          offset
            as i
          where
            coalesce(
              (
                json_type (`e` ['_type']) = 'string'
                and json_value(`e` ['_type']) = 'ApplicationContext'
              ),
              false
            )
          order by
            i
        )
      ) as `application`
    from
      `raw`
  ),
  `ends` as (
    select
      `extracted`.*,
      row_number() over (
        partition by
          (`application`) is null,
          to_json_string(`application`)
        order by
          `moment` desc,
          `event_id` desc
      ) as `__from_end`
    from
      `extracted`
    where
      (
        `application` is not null
        and (
          coalesce(
            array_length(json_query_array(`location_stack`)),
            0
          ) > 0
        )
      )
  ),
  `events_2` as (
    select
      `ends`.*
    from
      `ends`
    where
      `__from_end` = @p0
  ),
  `parts` as (
    select
      to_json_string(`location_stack`) as `__part`
    from
      `events_2` as `events`
  ),
  `parts_2` as (
    select
      `__part`,
      count(*) as `__ends`
    from
      `parts`
    group by
      `__part`
  ),
  `events_3` as (
    select
      (
        select
          concat(
            max(if(s.i = s.n - 1, s.label, null)),
            coalesce(
              concat(
                ' located at ',
                string_agg(
                  if(s.i < s.n - 1, s.label, null),
                  ' => '
                  order by
                    s.i
                )
              ),
              ''
            )
          )
        from
          (
            select
              i,
              count(*) over () as n,
              concat(
                regexp_replace(
                  regexp_replace(
                    coalesce(json_value(`e` ['_type']), ''),
                    r'([a-z])([A-Z])',
                    r'\1 \2'
                  ),
                  r' Context$',
                  ''
                ),
                coalesce(concat(': ', json_value(`e` ['id'])), '')
              ) as label
            from
              unnest (
                json_query_array(
                  (
                    select
                      if(
                        json_type (j) = 'string',
                        parse_json (json_value(j), wide_number_mode => 'round'),
                        j
                      )
                    from
                      unnest (
                        [
                          parse_json (
                            to_json_string(`__part`),
                            wide_number_mode => 'round'
                          )
                        ]
                      ) as j
                  )
                )
              ) as e
            with
            offset
              as i
          ) as s
      ) as `__location`,
      `__ends`
    from
      `parts_2` as `parts`
  ),
  `result` as (
    select
      `__location` as `location`,
      100.0 * sum(`__ends`) / sum(sum(`__ends`)) over () as `percentage`
    from
      `events_3` as `events`
    group by
      `__location`
  )
select
  `location`,
  `percentage`
from
  `result`
order by
  `percentage` desc,
  (`location`)
