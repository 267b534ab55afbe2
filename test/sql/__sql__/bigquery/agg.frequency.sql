-- agg.frequency on bigquery: hub.toSql(query), placeholders kept
-- parameters: none
select
  `result`.`session_id_nunique` as `session_id_nunique`,
  `result`.`user_id_nunique` as `user_id_nunique`
from
  (
    select
      `session_id_nunique` as `session_id_nunique`,
      count(*) as `user_id_nunique`
    from
      (
        select
          `user_id` as `user_id`,
          count(distinct `__user_session`) as `session_id_nunique`
        from
          (
            select
              `events`.`event_id`,
              `events`.`day`,
              `events`.`moment`,
              `events`.`event_type`,
              `events`.`stack_event_types`,
              `events`.`location_stack`,
              `events`.`application`,
              `events`.`http`,
              `events`.`user_id`,
              `events`.`session_id`,
              `events`.`session_hit_number`,
              `events`.`__session_user`,
              `events`.`__user_session`
            from
              (
                select
                  `sessionized`.`event_id` as `event_id`,
                  `sessionized`.`day` as `day`,
                  `sessionized`.`moment` as `moment`,
                  `sessionized`.`event_type` as `event_type`,
                  `sessionized`.`stack_event_types` as `stack_event_types`,
                  `sessionized`.`location_stack` as `location_stack`,
                  `sessionized`.`application` as `application`,
                  `sessionized`.`http` as `http`,
                  cast(`sessionized`.`user_id` as string) as `user_id`,
                  `sessionized`.`session_id` as `session_id`,
                  `sessionized`.`session_hit_number` as `session_hit_number`,
                  `sessionized`.`__session_user` as `__session_user`,
                  `sessionized`.`__user_session` as `__user_session`
                from
                  (
                    select
                      `event_id` as `event_id`,
                      `day` as `day`,
                      `moment` as `moment`,
                      `event_type` as `event_type`,
                      `stack_event_types` as `stack_event_types`,
                      `location_stack` as `location_stack`,
                      `application` as `application`,
                      `http` as `http`,
                      `user_id` as `user_id`,
                      max(`start_number`) over (
                        partition by
                          `user_id`
                        order by
                          `moment`,
                          `event_id` rows between unbounded preceding
                          and current row
                      ) as `session_id`,
                      `user_hit` - max(
                        case
                          when `is_start` then `user_hit`
                        end
                      ) over (
                        partition by
                          `user_id`
                        order by
                          `moment`,
                          `event_id` rows between unbounded preceding
                          and current row
                      ) + 1 as `session_hit_number`,
                      `user_id` as `__session_user`,
                      max(`__user_session`) over (
                        partition by
                          `user_id`
                        order by
                          `moment`,
                          `event_id` rows between unbounded preceding
                          and current row
                      ) as `__user_session`
                    from
                      (
                        select
                          `starts`.*,
                          case
                            when `is_start` then `start_day` * 1000000000 + sum(
                              case
                                when `is_start` then 1
                                else 0
                              end
                            ) over (
                              partition by
                                `start_day`
                              order by
                                `moment`,
                                `event_id` rows between unbounded preceding
                                and current row
                            )
                          end as `start_number`,
                          sum(
                            case
                              when `is_start` then 1
                              else 0
                            end
                          ) over (
                            partition by
                              `user_id`
                            order by
                              `moment`,
                              `event_id` rows between unbounded preceding
                              and current row
                          ) as `__user_session`
                        from
                          (
                            select
                              `events`.*,
                              case
                                when (
                                  timestamp_diff(
                                    `moment`,
                                    lag(`moment`) over (
                                      partition by
                                        `user_id`
                                      order by
                                        `moment`,
                                        `event_id`
                                    ),
                                    microsecond
                                  ) / 1000000
                                ) <= 1800 then false
                                else true
                              end as `is_start`,
                              row_number() over (
                                partition by
                                  `user_id`
                                order by
                                  `moment`,
                                  `event_id`
                              ) as `user_hit`,
                              unix_date(date(`moment`, 'UTC')) as `start_day`
                            from
                              (
                                select
                                  `raw`.`event_id`,
                                  `raw`.`day`,
                                  `raw`.`moment`,
                                  `raw`.`cookie_id` as `user_id`,
                                  (
                                    select
                                      if(
                                        json_type (x) = 'string',
                                        json_value(x),
                                        nullif(to_json_string(x), 'null')
                                      )
                                    from
                                      unnest ([`raw`.`v` ['_type']]) as x
                                  ) as `event_type`,
                                  coalesce(`raw`.`v` ['_types'], json '[]') as `stack_event_types`,
                                  `raw`.`v` ['location_stack'] as `location_stack`,
                                  to_json (
                                    array(
                                      select
                                        e
                                      from
                                        unnest (json_query_array(`raw`.`v` ['global_contexts'])) as e
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
                                  ) as `application`,
                                  to_json (
                                    array(
                                      select
                                        e
                                      from
                                        unnest (json_query_array(`raw`.`v` ['global_contexts'])) as e
                                      with
                                      offset
                                        as i
                                      where
                                        coalesce(
                                          (
                                            json_type (`e` ['_type']) = 'string'
                                            and json_value(`e` ['_type']) = 'HttpContext'
                                          ),
                                          false
                                        )
                                      order by
                                        i
                                    )
                                  ) as `http`
                                from
                                  (
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
                                  ) as `raw`
                              ) as `events`
                          ) as `starts`
                      ) as `numbered`
                  ) as `sessionized`
              ) as `events`
          ) as `events`
        where
          `user_id` is not null
        group by
          `user_id`
      ) as `users`
    group by
      `session_id_nunique`
  ) as `result`
