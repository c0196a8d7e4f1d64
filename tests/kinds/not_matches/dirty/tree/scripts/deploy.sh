#!/bin/sh
set +e
